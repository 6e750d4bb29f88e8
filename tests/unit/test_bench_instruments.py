"""The benchmark's measuring instruments: the RESP splitter and stage classifier behind the
round-trip counts, the percentile, the wrk script, and the workload and suite-endpoint
check."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from bench.throughput.loadgen import percentile
from bench.throughput.rtproxy import RespCommands, Tally, _Connection
from bench.throughput.stages import StageOf, script_names
from bench.throughput.workload import plan, suite_endpoint_problem
from bench.throughput.wrk import MARK, script
from qgjob_store.keys import Keys


def resp(*args: bytes) -> bytes:
    return b"*%d\r\n" % len(args) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in args)


def test_commands_split_across_reads_and_pipelines() -> None:
    wire = resp(b"APPEND", b"k", b"x" * 100) + resp(b"STRLEN", b"k") + b"PING\r\n"
    parser = RespCommands()
    got = []
    for i in range(0, len(wire), 7):  # the bytes arrive in small pieces
        got += parser.feed(wire[i : i + 7])
    assert got == [[b"APPEND", b"k", b"x" * 100], [b"STRLEN", b"k"], [b"PING"]]


def test_binary_payload_with_crlf_inside_is_one_argument() -> None:
    payload = b'{"a": "line\r\nbreak"}'
    assert RespCommands().feed(resp(b"SET", b"k", payload)) == [[b"SET", b"k", payload]]


class _Proxy:
    """What a connection of the counting proxy needs: a tally, and a classifier (here, the
    command's name)."""

    counting = True

    def __init__(self) -> None:
        self.tally = Tally()

    @staticmethod
    def classify(command: list[bytes]) -> str:
        return command[0].decode().lower()


def test_a_pipeline_is_one_round_trip_and_a_reply_ends_it() -> None:
    proxy = _Proxy()
    conn = _Connection(proxy, "workers")  # type: ignore[arg-type]
    conn.from_client(resp(b"APPEND", b"k", b"v"))
    conn.from_client(resp(b"STRLEN", b"k"))  # same burst: no reply in between
    conn.from_server()
    conn.from_client(resp(b"GET", b"k"))
    assert proxy.tally.round_trips == {("workers", "append"): 1, ("workers", "get"): 1}
    assert sum(proxy.tally.commands.values()) == 3


@pytest.fixture
def stage() -> StageOf:
    return StageOf(Keys("bench"))


def test_scripts_are_known_by_their_sha(stage: StageOf) -> None:
    shas = {name: sha for sha, name in script_names().items()}
    assert stage([b"EVALSHA", shas["submit"], b"0"]) == "submit"
    assert stage([b"evalsha", shas["join"], b"0"]) == "group"
    assert stage([b"EVALSHA", shas["view"], b"0"]) == "dispatch"
    assert stage([b"EVALSHA", shas["start"], b"0"]) == "start"
    assert stage([b"EVALSHA", shas["finish"], b"0"]) == "finish"
    assert stage([b"EVALSHA", b"0" * 40, b"0"]) == "unknown script"
    source = b"return 1"
    assert hashlib.sha1(source).hexdigest().encode() not in script_names()
    assert stage([b"EVAL", source, b"0"]) == "unknown script"


def test_reads_and_log_writes_by_key(stage: StageOf) -> None:
    keys = Keys("bench")
    jobs = keys.jobs_stream().encode()
    assign = keys.assign("device").encode()
    read = [b"XREADGROUP", b"GROUP", b"g", b"c", b"COUNT", b"1", b"STREAMS"]
    assert stage([*read, jobs, b">"]) == "group"
    assert stage([*read, assign, b"1796216598366-0"]) == "start"  # a worker takes up an entry
    assert stage([b"APPEND", keys.job_log("j1").encode(), b"text"]) == "finish"
    assert stage([b"HGETALL", keys.job("j1").encode()]) == "read"
    assert stage([b"CLIENT", b"SETINFO", b"LIB-NAME", b"redis-py"]) == "setup"


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile([3.0], 99) == 3.0
    assert percentile([], 50) == 0.0


def test_wrk_script_sends_json_with_the_given_headers(tmp_path: Path) -> None:
    lua = script("post", "/v1/jobs", tmp_path / "lines.txt", {"Authorization": "Bearer t"})
    assert '["Content-Type"] = "application/json"' in lua
    assert '["Authorization"] = "Bearer t"' in lua
    assert f"MARK = {MARK!r}".replace("'", '"') in lua
    get = script("get", "/v1/jobs/", tmp_path / "ids.txt", {})
    assert "Content-Type" not in get and "PATH_PREFIX" in get


def _spec(properties: list[str] | None) -> dict[str, object]:
    if properties is None:
        return {"paths": {"/v1/jobs": {"post": {}}}}
    body = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/S"}}}}
    return {
        "paths": {"/v1/suites": {"post": {"requestBody": body}}},
        "components": {"schemas": {"S": {"properties": {p: {} for p in properties}}}},
    }


def test_suite_row_is_measured_only_when_the_endpoint_takes_the_bench_body() -> None:
    assert suite_endpoint_problem(_spec(None)) == "no endpoint"
    fields = ["org_id", "app_version_id", "targets", "tests"]
    assert suite_endpoint_problem(_spec([*fields, "priority"])) is None
    problem = suite_endpoint_problem(_spec(["org_id", "app_version_id", "test_paths"]))
    assert problem is not None and "suite_body" in problem


def test_the_workload_spreads_jobs_over_versions_and_targets() -> None:
    suites = plan(1003, 10)
    assert sum(s.size for s in suites) == 1003
    assert len({s.app_version_id for s in suites}) == 10
    assert {s.targets[0] for s in suites} == {"emulator", "device", "browserstack"}
    payloads = list(suites[0].payloads())
    assert len(payloads) == 101 and payloads[0].app_version_id == suites[0].app_version_id
