"""benchmarks/sync_bench.py keeps working as the code under it changes (what it measures is not asserted):
``jira-perms sync`` processes against the fake server, the server's count equal to the sync's own, the old way's
snapshot compared."""

from __future__ import annotations

from benchmarks.sync_bench import _endpoint, measure, table


def test_the_sync_benchmark_runs_the_cli_beside_the_old_way_on_a_small_site():
    measured = measure(0.002, plain=True, say=lambda _: None)
    assert measured.same_content is True
    assert measured.local.requests == measured.slow.requests > 0
    assert measured.old_requests > 0  # not compared: on a tiny site inference may cost a request more
    assert measured.local.by_endpoint["GET project/{}/role/{}"] > 0
    requests, ratio, rate = table(measured)
    assert requests.text == f"{measured.local.requests:,}" and requests.met is None  # not the 50k site
    assert "same facts as the old way" in requests.note and "lower bound" in requests.note
    assert ratio.text.endswith("x") and rate.text.endswith("/s") and ratio.met is None and rate.met is None


def test_endpoints_are_grouped_by_template():
    assert _endpoint("GET /rest/api/3/project/P0012/role/10002") == "GET project/{}/role/{}"
    assert _endpoint("POST /rest/api/3/permissions/check") == "POST permissions/check"
    assert _endpoint("GET /rest/api/3/issuesecurityschemes/10001") == "GET issuesecurityschemes/{}"
