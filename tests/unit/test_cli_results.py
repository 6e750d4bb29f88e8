"""What the CLI makes of results without a platform: flaky passes named, one duration, a
timed-out report, GitHub Actions output, output formats, line fitting, followed logs and
the shape of every command's usage line."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import click
import pytest
import typer
import yaml
from typer.testing import CliRunner

from qgjob_cli import actions, exit_codes, junit
from qgjob_cli.client import CliError
from qgjob_cli.formats import Format, chosen
from qgjob_cli.logs import new_part
from qgjob_cli.main import app
from qgjob_cli.output import fit_width, run_time, run_time_short, table
from qgjob_cli.wait import summary
from qgjob_schemas import JobEvent, JobResult, JobStatus
from tests.unit.test_cli_report import NOW, job, tracked

FLAKY_RESULT = {"outcome": "passed", "flaky": True, "runs": 2, "duration_s": 2.0, "total_s": 4.0}


def test_a_job_says_it_is_flaky_only_when_it_passed_on_a_rerun() -> None:
    assert job(1, "passed", result=FLAKY_RESULT).flaky
    assert job(1, "passed", result=FLAKY_RESULT).model_dump(mode="json")["flaky"] is True
    assert not job(2, "passed", result={"outcome": "passed"}).flaky
    assert not job(3, "failed", result={"outcome": "failed", "runs": 2}).flaky
    assert not job(4, "queued").flaky


def test_one_duration_all_runs_and_the_last() -> None:
    assert run_time(JobResult.model_validate(FLAKY_RESULT)) == "4.0 s (2 runs, last 2.0 s)"
    # a result stored before total_s existed: its one run is its total
    old = JobResult.model_validate({"outcome": "passed", "duration_s": 1.5})
    assert (old.total_s, run_time(old)) == (1.5, "1.5 s")
    assert run_time(None) == "-"


def test_the_summary_names_flaky_passes() -> None:
    t = tracked(
        job(1, "passed", "tests/flaky_pay.spec.js", result=FLAKY_RESULT),
        job(2, "passed", "tests/login.spec.js", result={"outcome": "passed"}),
    )
    lines = summary(t, exit_codes.OK, 5.0)
    assert lines[0] == "suite sX passed: 2 passed (1 flaky) of 2 jobs in 5.0 s"
    assert lines[1] == (
        "  flaky     tests/flaky_pay.spec.js  emulator  J1: passed after 2 runs, "
        "4.0 s (2 runs, last 2.0 s)"
    )
    assert len(lines) == 2
    linked = summary(t, exit_codes.OK, 5.0, "http://qgjob:8080/")
    assert linked == [*lines, "  dashboard http://qgjob:8080/ui/#/suites/sX"]


def test_junit_flaky_failures_and_durations(tmp_path: Path) -> None:
    jobs = [job(1, "passed", "tests/flaky_pay.spec.js", result=FLAKY_RESULT)]
    path = tmp_path / "junit.xml"
    junit.write(path, tracked(*jobs), jobs)
    case = ET.parse(path).getroot().find(".//testcase")
    assert case is not None
    assert case.get("time") == "4.000"
    flaky = case.findall("flakyFailure")
    assert [f.get("message") for f in flaky] == ["run 1 of 2 failed; run 2 passed"]
    props = {p.get("name"): p.get("value") for p in case.iter("property")}
    assert props["last_run_s"] == "2.000" and props["flaky"] == "true"
    assert case.find("failure") is None and case.find("error") is None


def test_a_timed_out_report_keeps_what_events_said_finished(tmp_path: Path) -> None:
    """Two jobs read while waiting; one passed (its end came as an event only), one hangs:
    only the hanging one is unfinished."""
    t = tracked(job(1, "running", "tests/login.spec.js"), job(2, "running", "tests/hang.spec.js"))
    t.apply(JobEvent(id="1-0", job_id="J1", org_id="acme", status=JobStatus.PASSED, at=NOW))
    path = tmp_path / "junit.xml"
    junit.write(path, t, t.latest_jobs())
    root = ET.parse(path).getroot()
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["tests/login.spec.js"].find("error") is None
    hung = cases["tests/hang.spec.js"].find("error")
    assert hung is not None and hung.get("type") == "unfinished"
    assert (root.get("tests"), root.get("errors")) == ("2", "1")


def test_github_actions_annotations_and_step_summary() -> None:
    t = tracked(
        job(1, "failed", "tests/a,b.spec.js", result={"outcome": "failed", "message": "50%\nx"}),
        job(2, "dead", "tests/pay.spec.js", error="device lost"),
        job(3, "passed", "tests/flaky.spec.js", result=FLAKY_RESULT),
        job(4, "passed", "tests/ok.spec.js", result={"outcome": "passed"}),
    )
    assert actions.annotation_lines(t.latest_jobs()) == [
        "::error file=tests/a%2Cb.spec.js,title=qgjob%3A failed on emulator::50%25%0Ax (job J1)",
        "::error file=tests/pay.spec.js,title=qgjob%3A dead on emulator::device lost (job J2)",
        "::warning file=tests/flaky.spec.js,title=qgjob%3A flaky on emulator::"
        "passed after 2 runs (job J3)",
    ]
    md = actions.step_summary(t, "failed", 12.0, "http://qgjob:8080")
    assert md.startswith('### qgjob suite `sX` "nightly": failed')
    assert "| passed | failed | dead | flaky | total |" in md
    assert "| 2 | 1 | 1 | 1 | 4 |" in md
    assert "| failed | `tests/a,b.spec.js` | emulator | 50% x | `J1` |" in md
    assert "- `tests/flaky.spec.js` on emulator: 4.0 s (2 runs, last 2.0 s) (`J3`)" in md
    assert "[Open in the qgjob dashboard](http://qgjob:8080/ui/#/suites/sX)" in md
    assert actions.running_under_actions({"GITHUB_ACTIONS": "true"})
    assert not actions.running_under_actions({})


def test_output_formats_and_the_json_short_form() -> None:
    assert chosen(None, False) is Format.TABLE
    assert chosen(None, True) is Format.JSON
    assert chosen(Format.YAML, False) is Format.YAML
    with pytest.raises(CliError) as refused:
        chosen(Format.YAML, True)
    assert refused.value.code == exit_codes.BAD_ARGUMENTS
    shown = CliRunner().invoke(app, ["config", "show", "-o", "yaml"], env={"QGJOB_TOKEN": None})
    as_json = CliRunner().invoke(app, ["config", "show", "--json"], env={"QGJOB_TOKEN": None})
    assert shown.exit_code == 0 and as_json.exit_code == 0
    assert yaml.safe_load(shown.stdout) == json.loads(as_json.stdout)


@pytest.mark.parametrize("width", [80, 120])
def test_long_lines_wrap_at_spaces_never_inside_a_word(width: int) -> None:
    line = (
        "[0/4] error   tests/checkout/payments/infra_card_payment_with_three_d_secure.spec.js"
        "  emulator: simulated device connection lost (attempt 1 failed; it will be retried)"
    )
    wrapped = fit_width(line, width).splitlines()
    assert all(len(row) <= width for row in wrapped if " " in row.strip())
    assert " ".join(r.strip() for r in wrapped).split() == line.split()
    assert all(r.startswith("    ") for r in wrapped[1:])


def test_followed_logs_print_each_part_once() -> None:
    assert new_part("", "a\n") == ("a\n", False)
    assert new_part("a\n", "a\nb\n") == ("b\n", False)
    # the API trimmed the start of its log: what was printed is found again
    assert new_part("a\nb\n", "b\nc\n") == ("c\n", False)
    assert new_part("old line\n", "all new\n") == ("all new\n", True)


def _commands(group: click.Command, path: list[str]) -> list[tuple[str, click.Command]]:
    subs = getattr(group, "commands", None)
    if not subs:
        return [(" ".join(path), group)]
    return [c for name, sub in subs.items() for c in _commands(sub, [*path, name])]


def test_every_argument_is_named_alike_and_shown_optional_only_when_it_is() -> None:
    for name, command in _commands(typer.main.get_command(app), ["qgjob"]):
        for param in command.params:
            if not isinstance(param, click.Argument):
                continue
            metavar = param.metavar or ""
            assert metavar == metavar.upper() and metavar.strip("."), (name, metavar)
            # brackets say "optional": exactly the arguments that may be left out have them
            assert metavar.startswith("[") == (not param.required), (name, metavar)
    usage = CliRunner().invoke(app, ["status", "--help"], env={"COLUMNS": "100"}).stdout
    assert "[JOB_OR_SUITE_ID]" not in usage and "JOB_OR_SUITE_ID" in usage
    assert "[required]" in usage


def test_a_table_fits_the_terminal_by_dropping_then_cutting_columns() -> None:
    headers = ["JOB", "STATUS", "TEST", "APP", "UPDATED"]
    rows = [["01M8TQC1B34HRSBDDP3JA9CKFP", "passed", "tests/checkout/payments/pay.spec.js",
             "build-42", "3s"]]  # fmt: skip
    whole = table(headers, rows)
    assert whole.splitlines()[0].split() == headers  # no width: every column
    fitted = table(headers, rows, width=60, drop=("UPDATED", "APP"), squeeze="TEST")
    header, row = fitted.splitlines()
    assert header.split() == ["JOB", "STATUS", "TEST"]
    assert row == "01M8TQC1B34HRSBDDP3JA9CKFP  passed  tests/c…ents/pay.spec.js"
    assert len(row) <= 60
    roomy = table(headers, rows, width=200, drop=("UPDATED", "APP"), squeeze="TEST")
    assert roomy == whole


def test_a_narrow_table_takes_the_short_duration_only_when_the_long_one_does_not_fit() -> None:
    result = JobResult.model_validate(FLAKY_RESULT)
    assert run_time_short(result) == "4.0 s ×2"
    once = JobResult.model_validate({"outcome": "passed", "duration_s": 1.5})
    assert (run_time_short(once), run_time_short(None)) == ("1.5 s", "-")
    headers = ["JOB", "STATUS", "TEST", "TARGET", "DURATION"]
    rows = [["01M8TQC1B34HRSBDDP3JA9CKFP", "passed (flaky)", "tests/checkout/pay.spec.js",
             "emulator", run_time(result)]]  # fmt: skip
    short = {"DURATION": [run_time_short(result)]}
    narrow = table(headers, rows, width=80, short=short, squeeze="TEST", drop_last=("TARGET",))
    # the target gave way, and the room it left keeps the test path whole
    assert narrow.splitlines()[1] == (
        "01M8TQC1B34HRSBDDP3JA9CKFP  passed (flaky)  tests/checkout/pay.spec.js  4.0 s ×2"
    )
    assert all(len(line) <= 80 for line in narrow.splitlines())
    wide = table(headers, rows, width=120, short=short, squeeze="TEST", drop_last=("TARGET",))
    assert wide == table(headers, rows)  # it fits: the one duration, nothing cut


def test_the_first_form_of_status_still_works() -> None:
    from qgjob_cli.main import normalise_args

    assert normalise_args(["status", "--job-id=abc456"]) == ["status", "abc456"]
    assert normalise_args(["status", "--job-id", "abc456", "--json"]) == [
        "status",
        "abc456",
        "--json",
    ]
    assert normalise_args(["list", "--job-id=x"]) == ["list", "--job-id=x"]  # only status
