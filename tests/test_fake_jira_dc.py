"""The fake DC server answers like Jira Data Center 10.3: every response validates against jira-datacenter-v2.json.

Atlassian's DC spec gets some response shapes wrong, and the fake answers as DC
really does; those endpoints are listed in QUIRKS and checked item by item
against the schema the spec declares (see docs/data-center.md, "The DC spec").
"""

from __future__ import annotations

import asyncio
import copy
import json
from functools import cache

import pytest
from jsonschema import Draft7Validator

from explorer.jira.client import PermissionDenied
from explorer.jira.dialects import sync_site
from tests.fake_jira.server import Faults
from tests.fake_jira_dc import ADMIN_PAT, DEV_PASSWORD, DEV_USERNAME, client, generate_dc_site, serve
from tests.test_fake_jira import SPECS, _openapi_to_jsonschema

API = "/rest/api/2"
ENDPOINTS = {f"{API}{p}" for p in (
    "/serverInfo", "/myself", "/mypermissions", "/user/list", "/user/search", "/user", "/groups/picker",
    "/group/member", "/applicationrole", "/project", "/project/{projectKeyOrId}/permissionscheme",
    "/role", "/project/{projectIdOrKey}/role", "/project/{projectIdOrKey}/role/{id}",
    "/project/{projectKeyOrId}/issuesecuritylevelscheme", "/project/{projectKeyOrId}/workflowscheme",
    "/project/{projectIdOrKey}/statuses", "/permissions", "/user/permission/search", "/user/viewissue/search",
    "/issue/{issueIdOrKey}", "/permissionscheme")}
# The spec declares one object where DC answers a list of them (or a page of them): check each item.
QUIRKS = {
    f"{API}/user/search": "list", f"{API}/user/permission/search": "list", f"{API}/user/viewissue/search": "list",
    f"{API}/applicationrole": "list", f"{API}/project": "list", f"{API}/role": "list", f"{API}/project/{{projectIdOrKey}}/statuses": "list",
    f"{API}/group/member": "page",
    # IssueBean declares every field value an object; summary is a string, empty pickers are null, lists are lists
    f"{API}/issue/{{issueIdOrKey}}": "fields",
}
ITEMS = {f"{API}/user/list": "UserBean"}  # StreamPageBean's values are bare objects: they are users


@cache
def _spec() -> dict:
    return json.loads((SPECS / "jira-datacenter-v2.json").read_text())


@cache
def _components() -> dict:
    return _openapi_to_jsonschema(copy.deepcopy(_spec()["components"]))


def _validator(schema: dict) -> Draft7Validator:
    return Draft7Validator({"allOf": [_openapi_to_jsonschema(schema)], "components": _components()})


def declared(template: str, status: int = 200) -> dict | None:
    operation = _spec()["paths"][template.removeprefix("/rest")]["get"]
    content = operation["responses"][str(status)].get("content")
    return content["application/json"]["schema"] if content else None


def problems(template: str, body) -> list[str]:
    schema = declared(template)
    if schema is None:  # project/{key}/role declares no body: a map of role name to role URL
        ok = isinstance(body, dict) and all(isinstance(v, str) and "/role/" in v for v in body.values())
        return [] if ok else ["not a map of role names to URLs"]
    quirk = QUIRKS.get(template)
    if quirk == "list":
        if not isinstance(body, list):
            return ["expected a list"]
        bodies = body
    elif quirk == "page":
        if not isinstance(body, dict) or not isinstance(body.get("values"), list) or \
                not isinstance(body.get("isLast"), bool) or not isinstance(body.get("total"), int):
            return ["expected a page with values, isLast and total"]
        bodies = body["values"]
    elif quirk == "fields":
        if not isinstance(body, dict) or not isinstance(body.get("fields"), dict):
            return ["expected an issue with a fields object"]
        bodies = [{k: v for k, v in body.items() if k != "fields"}]
    else:
        bodies = [body]
    found = [e.message for b in bodies for e in _validator(schema).iter_errors(b)]
    if template in ITEMS:
        item = {"$ref": f"#/components/schemas/{ITEMS[template]}"}
        found += [e.message for v in body.get("values", []) for e in _validator(item).iter_errors(v)]
    return found


@pytest.fixture(scope="module")
def served():
    """Every response the fake serves to an admin PAT sync, a non-admin basic-auth sync and the verify lookups."""
    site = generate_dc_site(seed=3, projects=8, accounts=40, groups=5)
    with serve(site, faults=Faults(page_cap=7)) as fake:
        async def work():
            async with client(fake.url, ADMIN_PAT) as admin:
                snap = await sync_site(admin, issues=("PBA-1", "PBA-2", "PBB-3"))
                await admin.get(f"{API}/permissions")
                await admin.get(f"{API}/user", [("username", "dev.lead")])
                await admin.get(f"{API}/mypermissions", [("projectKey", "PBA")])
                await admin.get(f"{API}/mypermissions", [("issueKey", "PBA-1")])
                await admin.get(f"{API}/user/permission/search", [("projectKey", "PBA"),
                                                                  ("permissions", "BROWSE_PROJECTS,EDIT_ISSUES")])
                await admin.get(f"{API}/user/viewissue/search", [("issueKey", "PBA-1"), ("username", "user")])
                await admin.get(f"{API}/user/search", [("username", "."), ("maxResults", 1000)])
                await admin.get(f"{API}/permissionscheme", [("expand", "permissions")])
            async with client(fake.url, DEV_PASSWORD, DEV_USERNAME) as dev:
                mine = await sync_site(dev)
                with pytest.raises(PermissionDenied):
                    await dev.get(f"{API}/permissions")
                with pytest.raises(PermissionDenied):
                    await dev.get(f"{API}/group/member", [("groupname", "team-000")])
            assert snap.accounts and mine.gaps

        asyncio.run(work())
        assert not fake.crashes
        return list(fake.served)


def test_every_endpoint_the_dc_sync_and_verify_use_is_served(served):
    seen = {s.template for s in served if s.status == 200}
    assert seen >= ENDPOINTS, ENDPOINTS - seen


def test_every_success_response_validates_against_the_dc_spec(served):
    checked = 0
    for s in served:
        if s.status != 200 or not s.template:
            continue
        found = problems(s.template, s.body)
        assert not found, f"{s.method} {s.template}: {found[0]}"
        checked += 1
    assert checked > 60


def test_admin_only_endpoints_refuse_a_non_admin(served):
    refused = {(s.template, s.status) for s in served if s.status in (401, 403)}
    assert (f"{API}/permissions", 403) in refused and (f"{API}/group/member", 403) in refused


def test_the_spec_has_no_endpoint_for_what_the_sync_records_as_not_published():
    paths = _spec()["paths"]
    assert "/api/2/permissions/check" not in paths and "/api/2/group/bulk" not in paths
    assert not [p for p in paths if p.startswith("/api/2/issuesecurityschemes") and "member" in p]
    assert "/api/2/workflows/search" not in paths and "/api/2/workflows" not in paths
    assert not [p for p in paths if "globalpermission" in p.lower()]


def test_the_validator_is_not_toothless():
    assert problems(f"{API}/project", [{"id": 10000, "key": "X"}])  # id must be a string
    assert problems(f"{API}/group/member", {"values": [{"active": "yes"}], "isLast": True, "total": 1})
    assert problems(f"{API}/user/list", {"values": [{"key": 5}], "isLast": True})
    assert problems(f"{API}/applicationrole", {"key": "jira-software"})  # a list is what DC answers
