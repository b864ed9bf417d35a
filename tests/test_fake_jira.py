"""The fake Jira server answers like Jira Cloud: every kind of response validates against Atlassian's OpenAPI spec."""

from __future__ import annotations

import asyncio
import copy
import json
from functools import cache
from pathlib import Path

import pytest
from jsonschema import Draft7Validator

from explorer.jira.client import JiraClient, PermissionDenied
from explorer.jira.sync import sync_site
from explorer.jira.verify import verify_one, verify_sample
from tests.fake_jira import ADMIN_EMAIL, ADMIN_TOKEN, DEV_EMAIL, DEV_TOKEN, USERS, FakeJira, Faults, generate_site

SPECS = Path("/work/shared/jira-openapi")
if not SPECS.is_dir():
    SPECS = Path(__file__).resolve().parents[2] / "shared" / "jira-openapi"

ENDPOINTS = {
    ("GET", "/rest/api/3/serverInfo"), ("GET", "/rest/api/3/myself"), ("GET", "/rest/api/3/project/search"),
    ("GET", "/rest/api/3/project/{projectKeyOrId}/permissionscheme"), ("GET", "/rest/api/3/permissionscheme"),
    ("GET", "/rest/api/3/project/{projectIdOrKey}/role"), ("GET", "/rest/api/3/project/{projectIdOrKey}/role/{id}"),
    ("GET", "/rest/api/3/users/search"), ("GET", "/rest/api/3/group/bulk"), ("GET", "/rest/api/3/group/member"),
    ("GET", "/rest/api/3/applicationrole"), ("GET", "/rest/api/3/project/{projectKeyOrId}/issuesecuritylevelscheme"),
    ("GET", "/rest/api/3/issuesecurityschemes/{id}"), ("GET", "/rest/api/3/issuesecurityschemes/level/member"),
    ("GET", "/rest/api/3/permissions"), ("POST", "/rest/api/3/permissions/check"),
    ("GET", "/rest/api/3/issue/{issueIdOrKey}"), ("GET", "/rest/api/3/workflowscheme/project"),
    ("POST", "/rest/api/3/workflows"),
}


def _openapi_to_jsonschema(node):
    """OpenAPI 3.0 schema objects as JSON Schema: ``nullable: true`` becomes a ``null`` type."""
    if isinstance(node, dict):
        out = {k: _openapi_to_jsonschema(v) for k, v in node.items()}
        if out.get("nullable") is True and "type" in out:
            out["type"] = [out["type"], "null"]
        return out
    if isinstance(node, list):
        return [_openapi_to_jsonschema(v) for v in node]
    return node


@cache
def _spec(name: str) -> dict:
    return json.loads((SPECS / name).read_text())


@cache
def _components(name: str) -> dict:
    return _openapi_to_jsonschema(copy.deepcopy(_spec(name)["components"]))


def validator(method: str, template: str, status: int) -> Draft7Validator:
    name = "jira-service-management.json" if template.startswith("/rest/servicedeskapi") else \
        "jira-cloud-platform-v3.json"
    paths = _spec(name)["paths"]
    key = template if template in paths else template.removeprefix("/rest/servicedeskapi")
    operation = paths[key][method.lower()]
    response = operation["responses"][str(status)]
    schema = response["content"]["application/json"]["schema"]
    return Draft7Validator({"allOf": [_openapi_to_jsonschema(schema)], "components": _components(name)})


@pytest.fixture(scope="module")
def served():
    """Every response the fake serves in an admin sync, a non-admin sync, verify and JSM paging."""
    site = generate_site(seed=3, projects=8, accounts=50, groups=5)
    with FakeJira(site, users=USERS, faults=Faults(page_cap=7)) as fake:
        async def work():
            async with JiraClient(fake.url, ADMIN_EMAIL, ADMIN_TOKEN) as admin:
                snap = await sync_site(admin, issues=("PBA-1", "PBA-2", "PBA-3", "PBB-1"))
                await verify_sample(admin, snap, 10, seed=1)
                await verify_one(admin, snap, snap.accounts[3].account_id, "EDIT_ISSUES", issue="PBA-1")
                await verify_one(admin, snap, snap.accounts[3].account_id, "ADMINISTER")
                await admin.jsm_pages("/rest/servicedeskapi/servicedesk", limit=3)
            async with JiraClient(fake.url, DEV_EMAIL, DEV_TOKEN) as dev:
                mine = await sync_site(dev)
                with pytest.raises(PermissionDenied):  # asking about someone else needs Administer Jira
                    await verify_one(dev, snap, snap.accounts[3].account_id, "BROWSE_PROJECTS", project="PBA")
                assert mine.gaps

        asyncio.run(work())
        assert not fake.crashes
        return list(fake.served)


def test_every_endpoint_the_sync_uses_is_served(served):
    seen = {(s.method, s.template) for s in served if s.status == 200}
    assert seen >= ENDPOINTS, ENDPOINTS - seen


def test_every_success_response_validates_against_the_openapi_spec(served):
    checked = 0
    for s in served:
        if s.status != 200 or not s.template:
            continue
        errors = sorted(validator(s.method, s.template, 200).iter_errors(s.body), key=str)
        assert not errors, f"{s.method} {s.template}: {errors[0].message} at {list(errors[0].absolute_path)}"
        checked += 1
    assert checked > 100


def test_declared_error_responses_validate_too(served):
    # permissions/check declares its 403 body (an ErrorCollection): the non-admin asked about someone else
    forbidden = [s for s in served if s.template == "/rest/api/3/permissions/check" and s.status == 403]
    assert forbidden
    for s in forbidden:
        assert not list(validator("POST", s.template, 403).iter_errors(s.body))


def test_admin_only_endpoints_refuse_a_non_admin(served):
    refused = {(s.method, s.template, s.status) for s in served if s.status in (401, 403, 404)}
    for template in ("/rest/api/3/applicationrole", "/rest/api/3/issuesecurityschemes/level/member",
                     "/rest/api/3/workflowscheme/project"):
        assert ("GET", template, 403) in refused


def test_the_validator_is_not_toothless():
    bad = {"isLast": "yes", "values": [{"groupId": 5, "name": "x"}]}
    assert list(validator("GET", "/rest/api/3/group/bulk", 200).iter_errors(bad))
    extra = {"baseUrl": "x", "surprise": True}  # ServerInformation allows no unknown keys
    assert list(validator("GET", "/rest/api/3/serverInfo", 200).iter_errors(extra))
