"""Data Center sites in the config file and the keyring: usernames, personal access tokens, one entry each."""

from __future__ import annotations

import pytest

from explorer.core.errors import UserError
from explorer.store.config import DC, Config, SiteConfig, load_config, save_config
from explorer.store.credentials import find_token, get_stored_token, keyring_username, secret_name, store_token

pytest_plugins = ["tests.account_fixtures"]

DC_SITE = "https://jira.example.com"
PAT = "NjQ5MTE2ODk5NzYyOrZ3xDcPersonalToken01"


def test_a_dc_site_is_kept_with_its_username_or_none(homes):
    config = Config()
    config.add(SiteConfig(DC_SITE, "jdoe", DC))
    config.add(SiteConfig("https://other.example.com", "", DC))
    config.add(SiteConfig("https://acme.atlassian.net", "me@acme.com"))
    save_config(config)
    back = load_config()
    assert back.sites == config.sites
    assert [s.uses_pat for s in back.sites] == [False, True, False]
    text = (homes["config"] / "config.toml").read_text()
    assert 'deployment = "dc"' in text and 'email = ""' in text


def test_a_cloud_entry_still_needs_an_email(homes):
    with pytest.raises(UserError, match="email is not valid"):
        Config().add(SiteConfig("https://acme.atlassian.net", "jdoe"))
    with pytest.raises(UserError, match="username is not valid"):
        Config().add(SiteConfig(DC_SITE, "j doe", DC))


def test_selecting_an_unconfigured_site_without_a_user_means_a_pat(homes):
    config = Config()
    with pytest.raises(UserError, match="pass --email"):
        config.select(DC_SITE)
    chosen = config.select(DC_SITE, allow_no_user=True)
    assert chosen == SiteConfig(DC_SITE, "")
    assert config.select(DC_SITE, "jdoe", allow_no_user=True).email == "jdoe"


def test_one_keyring_entry_per_username_and_one_for_the_pat(homes, memory_keyring):
    assert keyring_username(DC_SITE, "") == "personal-access-token@jira.example.com"
    assert keyring_username(DC_SITE, "jdoe") == "jdoe@jira.example.com"
    store_token(DC_SITE, "", PAT)
    store_token(DC_SITE, "jdoe", "a-password")
    assert get_stored_token(DC_SITE, "") == PAT and get_stored_token(DC_SITE, "jdoe") == "a-password"
    assert find_token(DC_SITE, "", interactive=False).source == "keyring"


def test_the_secret_is_named_for_what_it_is(homes, memory_keyring, monkeypatch):
    assert secret_name("") == "personal access token" and secret_name("jdoe") == "password"
    assert secret_name("me@acme.com") == "API token"
    monkeypatch.delenv("JIRA_API_TOKEN", raising=False)
    with pytest.raises(UserError) as info:
        find_token(DC_SITE, "", interactive=False)
    assert "no personal access token for https://jira.example.com" in str(info.value)
    assert "jira-perms login --site https://jira.example.com`" in str(info.value)
