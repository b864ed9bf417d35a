"""The config file (sites, default, keymap) and site URL normalisation."""

from __future__ import annotations

import datetime as dt
import os
import re
import stat
import tomllib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from explorer.core.errors import UserError
from explorer.store.config import (
    Config,
    SiteConfig,
    config_path,
    dumps_toml,
    load_config,
    new_snapshot_path,
    normalise_site_url,
    save_config,
    site_snapshot_dir,
)
from tests.hypothesis_profiles import examples

pytest_plugins = ["tests.account_fixtures"]

CANONICAL = re.compile(r"^(https://[a-z0-9.-]+|https://\[[0-9a-f:]+\]|http://(127\.0\.0\.1|localhost|\[::1\]))"
                       r"(:\d{1,5})?$")


# --------------------------------------------------------------------------- URLs

@pytest.mark.parametrize("given_url, expected", [
    ("acme.atlassian.net", "https://acme.atlassian.net"),
    ("  ACME.Atlassian.NET/  ", "https://acme.atlassian.net"),
    ("https://acme.atlassian.net/", "https://acme.atlassian.net"),
    ("https://acme.atlassian.net/jira/software/projects/ENG/boards/1?x=1#top", "https://acme.atlassian.net"),
    ("HTTPS://acme.atlassian.net:443/", "https://acme.atlassian.net"),
    ("https://jira.example.com:8443/jira", "https://jira.example.com:8443"),
    ("acme.atlassian.net.", "https://acme.atlassian.net"),
    ("http://127.0.0.1:8080/", "http://127.0.0.1:8080"),
    ("http://localhost", "http://localhost"),
    ("http://localhost:80", "http://localhost"),
    ("http://[::1]:9000/rest", "http://[::1]:9000"),
    ("127.0.0.1:8080", "https://127.0.0.1:8080"),
    ("https://bücher.example", "https://xn--bcher-kva.example"),
])
def test_site_urls_are_normalised(given_url, expected):
    assert normalise_site_url(given_url) == expected


@pytest.mark.parametrize("bad, needle", [
    ("", "empty"),
    ("   ", "empty"),
    ("http://acme.atlassian.net", "refusing plain http"),
    ("http://10.0.0.5:8080", "refusing plain http"),
    ("ftp://acme.atlassian.net", "https://"),
    ("https://", "no host"),
    ("https://acme atlassian.net", "spaces"),
    ("https://acme.atlassian.net:99999", "port"),
    ("https://acme.atlassian.net:0", "port 0"),
    ("https://-bad-.example.com", "invalid host"),
    ("https://under_score.example.com", "invalid host"),
    ("://acme.atlassian.net", "malformed"),
])
def test_bad_site_urls_are_one_line_errors(bad, needle):
    with pytest.raises(UserError) as caught:
        normalise_site_url(bad)
    message = str(caught.value)
    assert "\n" not in message
    assert needle.lower() in message.lower()


def test_credentials_in_a_url_are_refused_without_echoing_them():
    with pytest.raises(UserError) as caught:
        normalise_site_url("https://me%40x.com:s3cr3t-T0KEN@acme.atlassian.net/")
    assert "s3cr3t" not in str(caught.value)
    assert "--email" in str(caught.value)


labels = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)
hosts = st.lists(labels, min_size=1, max_size=4).map(".".join)
loopback = st.sampled_from(["127.0.0.1", "localhost", "[::1]"])


@settings(max_examples=examples(300))
@given(host=hosts, upper=st.booleans(), port=st.none() | st.integers(1, 65535),
       scheme=st.sampled_from(["", "https://", "HTTPS://"]),
       tail=st.sampled_from(["", "/", "/jira", "/jira/", "?a=b", "#x", "/a/b?c#d"]))
def test_https_urls_normalise_to_the_canonical_form(host, upper, port, scheme, tail):
    text = f"{scheme}{host.upper() if upper else host}{'' if port is None else f':{port}'}{tail}"
    url = normalise_site_url(text)
    assert CANONICAL.match(url), url
    assert url.startswith("https://")
    assert host in url
    assert normalise_site_url(url) == url  # idempotent
    assert (port in (None, 443)) == (url == f"https://{host}")


@given(host=loopback, port=st.none() | st.integers(1, 65535), tail=st.sampled_from(["", "/", "/x?y"]))
def test_http_is_kept_only_for_loopback(host, port, tail):
    text = f"http://{host}{'' if port is None else f':{port}'}{tail}"
    url = normalise_site_url(text)
    assert url.startswith("http://") and CANONICAL.match(url)
    assert normalise_site_url(url) == url


@given(host=hosts)
def test_http_is_refused_for_every_other_host(host):
    if host == "localhost":
        return
    with pytest.raises(UserError):
        normalise_site_url(f"http://{host}")


@given(st.text(max_size=40))
def test_any_text_is_either_a_canonical_url_or_one_line_error(text):
    try:
        url = normalise_site_url(text)
    except UserError as error:
        assert "\n" not in str(error)
    else:
        assert CANONICAL.match(url), url
        assert normalise_site_url(url) == url


# --------------------------------------------------------------------------- the file

def test_config_round_trips(homes):
    config = Config(default_site=None, keymap={"app.quit": "ctrl+q", "explain.copy": "ctrl+y"})
    config.add(SiteConfig("acme.atlassian.net/", "me@acme.com"))
    config.add(SiteConfig("http://127.0.0.1:8080", "bot@example.com"))
    config.extra = {"theme": "nord", "ui": {"animations": False, "width": 100}}
    path = save_config(config)
    assert path == homes["config"] / "config.toml"
    loaded = load_config()
    assert loaded == config
    assert loaded.default_site == "https://acme.atlassian.net"  # the first site became the default
    assert tomllib.loads(path.read_text())["sites"][1] == {"url": "http://127.0.0.1:8080",
                                                          "email": "bot@example.com"}


def test_a_missing_config_is_empty(homes):
    assert load_config() == Config()


def test_config_file_is_0600_and_written_atomically(homes):
    config = Config()
    config.add(SiteConfig("acme.atlassian.net", "me@acme.com"))
    path = save_config(config)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) & 0o077 == 0
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]  # no temporary file left
    before = path.read_bytes()
    config.extra = {"jira_api_token": "should-never-be-written"}
    with pytest.raises(UserError, match="keyring"):
        save_config(config)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["config.toml"]


@pytest.mark.parametrize("extra", [
    {"token": "x"}, {"api_key": "x"}, {"password": "x"}, {"jira": {"secret": "x"}}, {"credentials": ["x"]},
])
def test_secrets_are_never_written(homes, extra):
    with pytest.raises(UserError, match="secrets belong in the OS keyring"):
        save_config(Config(extra=extra))
    assert not config_path().exists()


def test_secret_looking_keymap_entries_are_refused_too(homes):
    with pytest.raises(UserError):
        save_config(Config(keymap={"password": "ctrl+p"}))


@pytest.mark.parametrize("text, needle", [
    ("sites = [", "not valid TOML"),
    ("sites = 3", "'sites' must be a list"),
    ("[[sites]]\nurl = 'acme.atlassian.net'\n", "needs text 'url' and 'email'"),
    ("[[sites]]\nurl = 'http://acme.atlassian.net'\nemail = 'a@b.c'\n", "refusing plain http"),
    ("[[sites]]\nurl = 'acme.atlassian.net'\nemail = 'nobody'\n", "email"),
    ("default_site = 4\n", "default_site"),
    ("[keymap]\nquit = 1\n", "[keymap]"),
])
def test_a_broken_config_is_one_line_naming_the_file(homes, text, needle):
    homes["config"].mkdir(parents=True)
    config_path().write_text(text)
    with pytest.raises(UserError) as caught:
        load_config()
    message = str(caught.value)
    assert "\n" not in message and str(config_path()) in message and needle in message
    assert "fix it or delete it" in message


def test_unwritable_config_folder_is_one_line(homes, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("JIRA_PERMS_CONFIG_DIR", str(blocker / "sub"))
    with pytest.raises(UserError) as caught:
        save_config(Config())
    assert "\n" not in str(caught.value)


def test_select_picks_the_default_or_the_only_email(homes):
    config = Config()
    with pytest.raises(UserError, match="no Jira site is configured"):
        config.select()
    config.add(SiteConfig("acme.atlassian.net", "me@acme.com"))
    config.add(SiteConfig("acme.atlassian.net", "bot@acme.com"))
    config.add(SiteConfig("beta.atlassian.net", "me@acme.com"))
    assert config.default_site == "https://acme.atlassian.net"
    with pytest.raises(UserError, match="several accounts"):
        config.select()
    assert config.select(email="BOT@acme.com") == SiteConfig("https://acme.atlassian.net", "bot@acme.com")
    assert config.select("https://beta.atlassian.net/") == SiteConfig("https://beta.atlassian.net", "me@acme.com")
    assert config.select("gamma.atlassian.net", "x@y.z") == SiteConfig("https://gamma.atlassian.net", "x@y.z")
    with pytest.raises(UserError, match="not configured"):
        config.select("gamma.atlassian.net")
    config.add(SiteConfig("beta.atlassian.net", "me@acme.com"), make_default=True)
    assert config.default_site == "https://beta.atlassian.net"
    assert config.remove("beta.atlassian.net", "me@acme.com")
    assert config.default_site == "https://acme.atlassian.net"
    assert not config.remove("beta.atlassian.net", "me@acme.com")


def test_snapshot_folders_are_per_site_under_the_data_dir(homes):
    acme = site_snapshot_dir("https://acme.atlassian.net/jira")
    assert acme == homes["data"] / "sites" / "acme.atlassian.net"
    assert site_snapshot_dir("http://127.0.0.1:8080") != site_snapshot_dir("http://127.0.0.1:8081")
    assert site_snapshot_dir("http://[::1]:8080").parent == homes["data"] / "sites"
    when = dt.datetime(2025, 3, 4, 5, 6, 7, tzinfo=dt.UTC)
    assert new_snapshot_path("acme.atlassian.net", when).name == "snapshot-20250304T050607Z.jpsnap"
    assert not acme.exists()  # created by the writer, not by asking for the path


# --------------------------------------------------------------------------- the TOML writer

keys = st.text(min_size=1, max_size=12).filter(lambda k: "\x00" not in k)
scalars = (st.text(max_size=20) | st.integers(-(2**63), 2**63 - 1) | st.booleans()
           | st.floats(allow_nan=False) | st.datetimes(timezones=st.none() | st.just(dt.UTC)).map(
               lambda d: d.replace(microsecond=d.microsecond // 1000 * 1000)))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3)
                      | st.dictionaries(keys, inner, max_size=3), max_leaves=12)


@settings(max_examples=examples(300))
@given(st.dictionaries(keys, values | st.lists(st.dictionaries(keys, values, max_size=3), min_size=1, max_size=2),
                       max_size=5))
def test_the_toml_writer_round_trips_through_tomllib(data):
    assert tomllib.loads(dumps_toml(data)) == data


def test_no_secret_reaches_the_file_even_by_accident(homes):
    config = Config()
    config.add(SiteConfig("acme.atlassian.net", "me@acme.com"))
    save_config(config)
    text = config_path().read_text()
    assert "No secrets here" in text
    assert set(tomllib.loads(text)) == {"default_site", "sites"}
    assert os.access(config_path(), os.R_OK)
