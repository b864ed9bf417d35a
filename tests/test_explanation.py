"""Small invariants of the explanation types."""

from dataclasses import fields, replace

from explorer.core.model import Fact, FactKind, Status
from explorer.core.replay.explanation import Check, Kind, Match


def test_as_decisive_copies_every_field():
    check = Check(Kind.GRANT, False, "summary", ("detail",), (Check(Kind.GRANT, True, "child"),), Match.NOT_MATCHED,
                  "10", "group", "dev", ("via",), 2, "conflict", (Fact(FactKind.GROUPS, None, Status.TRUNCATED),))
    assert all(getattr(check, f.name) != f.default for f in fields(Check) if f.name != "decisive")
    assert check.as_decisive() == replace(check, decisive=True)
