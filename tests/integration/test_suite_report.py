"""A suite's JUnit report over the API (the CLI's writer: one report for both), and the
dashboard path every suite answers with."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx

from qgjob_schemas import JobResult, Outcome
from qgjob_store import Store, WorkerStore
from tests.integration.helpers import dispatch_and_acquire, group_all, passed
from tests.support.api import org_token


async def test_a_suites_junit_report_and_dashboard_path(
    sapi: httpx.AsyncClient, store: Store
) -> None:
    acme, globex = await org_token(sapi, "acme"), await org_token(sapi, "globex")
    body = {
        "app_version_id": "v7",
        "name": "nightly",
        "tests": ["tests/a.spec.js", "tests/fail_b.spec.js", "tests/c.spec.js"],
    }
    suite = (await sapi.post("/v1/suites", json=body, headers=acme)).json()
    assert suite["dashboard_path"] == f"/ui/#/suites/{suite['id']}"

    # two results in, one job still waiting
    (gid,) = await group_all(store)
    lease = await dispatch_and_acquire(store, gid)
    ws = WorkerStore(store, "w1", "emulator")
    by_path = {j.test_path: j.id for j in lease.jobs}
    for path, result in (
        ("tests/a.spec.js", passed()),
        ("tests/fail_b.spec.js", JobResult(outcome=Outcome.FAILED, message="expected 3 items")),
    ):
        assert (await ws.start(lease, by_path[path])).ok
        await ws.finish(lease, by_path[path], result)

    r = await sapi.get(f"/v1/suites/{suite['id']}/junit", headers=acme)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/xml")
    assert f'filename="junit-{suite["id"]}.xml"' in r.headers["content-disposition"]
    root = ET.fromstring(r.content)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1")
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert set(cases) == set(body["tests"])
    failure = cases["tests/fail_b.spec.js"].find("failure")
    assert failure is not None and failure.get("message") == "expected 3 items"
    unfinished = cases["tests/c.spec.js"].find("error")
    assert unfinished is not None and unfinished.get("type") == "unfinished"
    assert list(cases["tests/a.spec.js"]) == [cases["tests/a.spec.js"].find("properties")]

    # another org's suite is as missing as a missing one
    theirs = await sapi.get(f"/v1/suites/{suite['id']}/junit", headers=globex)
    assert theirs.status_code == 404 and theirs.json()["error"]["code"] == "not_found"
