"""``qgjob dlq`` against a live platform: the list names each job's test, a requeued job
that dies again is listed once, entries are deleted by job or entry id, requeued or purged
all at once; output kept at 80 and 120 columns under test-output/test_cli_dlq/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from typer.testing import Result

from tests.support.cli import Live, org_token, start_platform
from tests.support.terminal import run_on_terminal
from tests.support.waiting import wait_until

pytestmark = pytest.mark.e2e
OUT = Path("test-output") / "test_cli_dlq"


@pytest.fixture(scope="module")
def live(redis_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    platform = start_platform(redis_url, tmp_path_factory.mktemp("dlq-platform"))
    try:
        yield Live(platform, org_token(platform), tmp_path_factory.mktemp("config-home"))
    finally:
        platform.stop_all()


def dies(live: Live, name: str) -> str:
    """A job whose test breaks the device every time, run once: dead."""
    done = live.cli(
        "submit", "--app-version-id=v-dlq", f"--test=tests/infra_{name}.spec.js",
        "--max-attempts=1", "--wait",
    )  # fmt: skip
    assert done.exit_code == 20, done.output
    return done.stdout.splitlines()[0]


def kept(result: Result, name: str) -> Result:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / f"{name}.txt").write_text(result.stdout + result.stderr)
    return result


def rows_of(live: Live, columns: int = 120) -> list[str]:
    listed = kept(live.cli("dlq", "list", COLUMNS=str(columns)), f"list-{columns}")
    assert listed.exit_code == 0, listed.output
    return listed.stdout.splitlines()[1:] if "JOB" in listed.stdout else []


def test_dlq_requeue_delete_and_purge(live: Live) -> None:
    first = dies(live, "net")
    (row,) = rows_of(live)
    assert row.split()[:4] == [first, "tests/infra_net.spec.js", "attempts_exhausted", "1"]
    assert rows_of(live, 80)[0].startswith(f"{first}  tests/infra_net.spec.js")
    # on a real terminal the table fits: job, test and reason always; the error at 120
    for columns in (80, 120):
        screen = run_on_terminal(["dlq", "list"], live.env(), columns=columns, timeout=60)
        assert screen.exit_code == 0, screen.text
        (OUT / f"terminal-list-{columns}.txt").write_text(screen.text + "\n")
        assert all(len(line) <= columns for line in screen.lines)
        header, row = screen.lines[0], screen.lines[1]
        assert row.startswith(f"{first}  tests/infra_net.spec.js  attempts_exhausted")
        assert ("LAST ERROR" in header) == (columns == 120)

    # requeued, it runs again and dies again: still one row, one entry to requeue
    requeued = kept(live.cli("dlq", "requeue", first), "requeue-one")
    assert requeued.exit_code == 0 and requeued.stdout.split()[0] == first
    wait_until(
        lambda: live.api("GET", f"/v1/jobs/{first}")["status"] == "dead",
        timeout=30, what="the requeued job to die again",
    )  # fmt: skip
    assert [r.split()[0] for r in rows_of(live)] == [first]

    second, third = dies(live, "usb"), dies(live, "wifi")
    assert {r.split()[0] for r in rows_of(live)} == {first, second, third}

    # delete by job id and by entry id; an unknown one is named, exit 2
    entry = next(d["id"] for d in live.api("GET", "/v1/dead-letters") if d["job_id"] == second)
    deleted = kept(live.cli("dlq", "delete", first, entry, "01NOSUCHJOB"), "delete")
    assert deleted.exit_code == 2, deleted.output
    assert "deleted 2 dead letters" in deleted.stdout
    assert "skipped 01NOSUCHJOB: no such dead letter" in deleted.stderr
    assert [r.split()[0] for r in rows_of(live)] == [third]
    assert live.api("GET", f"/v1/jobs/{first}")["status"] == "dead"

    # requeue --all takes what is left; the job dies again and purge --yes clears the list
    everything = kept(live.cli("dlq", "requeue", "--all"), "requeue-all")
    assert everything.exit_code == 0, everything.output
    assert everything.stdout.splitlines() == [f"{third}  queued", "requeued 1 job"]
    wait_until(
        lambda: len(live.api("GET", "/v1/dead-letters")) == 1,
        timeout=30, what="the requeued job to die again",
    )  # fmt: skip
    purged = kept(live.cli("dlq", "purge", "--yes", "--json"), "purge")
    assert json.loads(purged.stdout)["removed"] != []
    assert rows_of(live) == []
    assert kept(live.cli("dlq", "list"), "list-empty").stderr.strip() == "qgjob: no dead letters"

    both = live.cli("dlq", "delete", "--all", first)
    assert both.exit_code == 2 and "not both" in both.output


def test_dlq_list_prints_json_yaml_or_a_table(live: Live) -> None:
    job = dies(live, "formats")
    answer = live.api("GET", "/v1/dead-letters")
    assert job in {d["job_id"] for d in answer}
    for args in (["--output", "json"], ["-o", "json"], ["--json"]):
        listed = kept(live.cli("dlq", "list", *args), "list-json")
        assert listed.exit_code == 0, listed.output
        assert json.loads(listed.stdout) == answer
    as_yaml = kept(live.cli("dlq", "list", "--output", "yaml"), "list-yaml")
    assert as_yaml.exit_code == 0, as_yaml.output
    assert yaml.safe_load(as_yaml.stdout) == answer
    as_table = kept(live.cli("dlq", "list", "--output", "table"), "list-table")
    assert as_table.exit_code == 0, as_table.output
    assert as_table.stdout.splitlines()[0].split()[:3] == ["JOB", "TEST", "REASON"]
    assert any(r.startswith(f"{job}  tests/infra_formats.spec.js") for r in rows_of(live))
    both = live.cli("dlq", "list", "--json", "--output", "yaml")
    assert both.exit_code == 2 and "--json is short for --output json" in both.output
    wrong = live.cli("dlq", "list", "--output", "xml")
    assert wrong.exit_code == 2 and "xml" in wrong.output
