"""The model's representation: frozen msgspec Structs that still behave as the dataclasses callers were written for."""

from __future__ import annotations

import dataclasses
import gc
import weakref
from types import MappingProxyType

import msgspec
import pytest

from explorer.core import model
from explorer.core.model import (
    EMPTY_MAP,
    Account,
    Issue,
    IssueType,
    Project,
    Provenance,
    RoleActors,
    Site,
    Snapshot,
    Workflow,
    WorkflowScheme,
    WorkflowStatus,
    frozen_map,
)

MODEL_CLASSES = sorted((c for c in vars(model).values() if isinstance(c, type) and issubclass(c, msgspec.Struct)
                        and c.__module__ == model.__name__ and not c.__name__.startswith("_")),
                       key=lambda c: c.__name__)


def test_every_model_class_is_found():
    assert {c.__name__ for c in MODEL_CLASSES} >= {"Account", "Group", "Project", "Issue", "Snapshot", "Fact"}


@pytest.mark.parametrize("cls", MODEL_CLASSES, ids=lambda c: c.__name__)
def test_dataclass_helpers_work_on_every_model_class(cls):
    assert dataclasses.is_dataclass(cls)
    assert [f.name for f in dataclasses.fields(cls)] == list(cls.__struct_fields__)


def test_replace_gives_a_new_object_of_the_same_class():
    account = Account("a1", "Ann")
    changed = dataclasses.replace(account, email="ann@example.com", active=False)
    assert type(changed) is Account and changed.email == "ann@example.com" and not changed.active
    assert account.email is None and account.active  # the original is untouched
    with pytest.raises(AttributeError):
        account.email = "x"  # type: ignore[misc]


def test_mapping_fields_are_read_only_copies_and_left_out_of_the_hash():
    given = {"10002": RoleActors(("a1",))}
    project = Project("1", "ENG", "Engineering", role_actors=given)
    assert type(project.role_actors) is MappingProxyType
    given["10003"] = RoleActors()
    assert list(project.role_actors) == ["10002"]  # a copy: changing the caller's dict changes nothing
    with pytest.raises(TypeError):
        project.role_actors["x"] = RoleActors()  # type: ignore[index]
    same = Project("1", "ENG", "Engineering", role_actors=frozen_map({"10002": RoleActors(("a1",))}))
    assert project == same and hash(project) == hash(same) and len({project, same}) == 1
    assert project != Project("1", "ENG", "Engineering")
    issue = Issue("ENG-1", "1", "ENG", IssueType("1", "Task"), "3", user_fields={"cf": ("a1",)})
    status = WorkflowStatus("3", "Done", {"jira.issue.editable": "false"})
    scheme = WorkflowScheme("1", "S", "wf", {"1": "wf"})
    for obj in (issue, status, scheme):
        assert hash(obj) == hash(dataclasses.replace(obj))
    assert Project("2", "OPS", "Ops").role_actors is EMPTY_MAP
    assert Workflow("wf", (status,)).status("3") is status


def test_a_snapshot_is_hashed_by_identity_and_can_be_weakly_referenced():
    a = Snapshot(Site("https://x.atlassian.net"), Provenance("2025-01-01T00:00:00Z"))
    b = dataclasses.replace(a)
    assert a is not b and a != b and hash(a) != hash(b)  # two loads of one file are two snapshots
    assert weakref.ref(a)() is a
    assert type(Snapshot(a.site, a.provenance, account_global_permissions={"a1": frozenset({"ADMINISTER"})})
                .account_global_permissions) is MappingProxyType


def test_model_objects_cost_the_garbage_collector_nothing():
    """Millions of them on a large site: none is tracked (they hold no cycles), except the snapshot itself."""
    account = Account("a1", "Ann")
    assert not gc.is_tracked(account)
    assert not gc.is_tracked(Project("1", "ENG", "Engineering", role_actors={"1": RoleActors(("a1",))}))
