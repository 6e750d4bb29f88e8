"""Every GitHub Actions workflow loads, is well formed, and calls only qgjob commands, options
and make targets that exist; the project's own CI runs what a developer runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.support.commands import check_argv, shell_commands
from tests.support.manifests import ROOT
from tests.support.programs import readable

WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.y*ml")) + sorted(
    (ROOT / "examples" / "github-actions").glob("*.y*ml")
)
"""The project's workflows and the copyable examples for an app's repository."""
APPWRIGHT = [p for p in WORKFLOWS if p.name == "appwright-tests.yml"]
EXAMPLE_SCRIPTS = sorted((ROOT / "examples" / "github-actions").glob("*.sh"))
MAKE_TARGETS = set(re.findall(r"^([\w.-]+):", (ROOT / "Makefile").read_text(), re.M))
SHELLS = {None, "bash", "sh"}


def load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text())
    # YAML 1.1 reads the key `on` as true
    if True in data:
        data["on"] = data.pop(True)
    return data


def run_steps(workflow: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(job id, step) of every shell step."""
    steps = []
    for job_id, job in workflow["jobs"].items():
        shell = job.get("defaults", {}).get("run", {}).get("shell")
        for step in job.get("steps", []):
            if "run" in step and step.get("shell", shell) in SHELLS:
                steps.append((job_id, step))
    return steps


def env_of(workflow: dict[str, Any], job_id: str, step: dict[str, Any]) -> dict[str, str]:
    layers = [workflow.get("env", {}), workflow["jobs"][job_id].get("env", {}), step.get("env", {})]
    return {k: str(v) for layer in layers for k, v in layer.items()}


def test_there_are_workflows() -> None:
    assert any(p.name == "ci.yml" for p in WORKFLOWS)


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_is_well_formed(path: Path) -> None:
    workflow = load(path)
    assert workflow.get("name")
    assert workflow["on"]
    assert workflow["jobs"]
    for job_id, job in workflow["jobs"].items():
        if "uses" in job:  # a reusable workflow
            continue
        assert job.get("runs-on"), job_id
        for step in job["steps"]:
            assert ("run" in step) != ("uses" in step), f"{job_id}: {step}"
            if "uses" in step and not step["uses"].startswith("./"):
                assert re.fullmatch(r"[\w.-]+/[\w./-]+@[\w.-]+", step["uses"]), step["uses"]


def qgjob_problems(workflow: dict[str, Any]) -> list[str]:
    """What is wrong with the qgjob command lines of a workflow's shell steps: unknown
    programs, commands or options, bad values, missing required options (an option's
    ``envvar`` set in the workflow, job or step ``env`` counts), and QGJOB_ variables of a
    step that none of its qgjob programs reads."""
    problems: list[str] = []
    for job_id, step in run_steps(workflow):
        env = env_of(workflow, job_id, step)
        programs = []
        for argv in shell_commands(step["run"]):
            resolved = check_argv(argv, env)
            problems += [f"{job_id}: {p}" for p in resolved.problems]
            programs.append(resolved)
        step_env = {k for k in step.get("env", {}) if k.startswith("QGJOB_")}
        if programs and step_env:
            unread = step_env - set().union(*(readable(r) for r in programs))
            problems += [f"{job_id}: no qgjob program of the step reads {n}" for n in unread]
    return problems


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_calls_only_real_qgjob_commands(path: Path) -> None:
    assert qgjob_problems(load(path)) == []


@pytest.mark.parametrize("path", WORKFLOWS, ids=[p.name for p in WORKFLOWS])
def test_workflow_make_targets_exist(path: Path) -> None:
    for job_id, step in run_steps(load(path)):
        for targets in re.findall(r"(?:^|[;&|]\s*)make\s+([^;&|\n]+)", step["run"], re.M):
            for target in targets.split():
                if not target.startswith("-") and "=" not in target:
                    assert target in MAKE_TARGETS, f"{path.name} {job_id}: make {target}"


def test_ci_runs_what_make_test_runs_against_a_redis_service() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "ci.yml")
    (job,) = workflow["jobs"].values()
    runs = " ".join(step.get("run", "") for step in job["steps"])
    make_test = re.search(r"^test:(.*)$", (ROOT / "Makefile").read_text(), re.M)
    assert make_test
    for part in make_test.group(1).split("##")[0].split():
        assert f"make {part}" in runs, f"CI skips make {part}"
    assert "make dev" in runs
    service = job["services"]["redis"]
    assert service["image"].startswith("redis:")
    assert "redis" in job["env"]["REDIS_URL"]
    assert "job.services.redis.ports['6379']" in job["env"]["REDIS_URL"]


def test_there_are_appwright_workflows_in_the_project_and_as_an_example() -> None:
    assert {p.parent.name for p in APPWRIGHT} == {"workflows", "github-actions"}


def _qgjob_argvs(workflow: dict[str, Any], job_id: str) -> list[list[str]]:
    argvs = []
    for step in workflow["jobs"][job_id]["steps"]:
        argvs += shell_commands(step.get("run", ""))
        script = step.get("with", {}).get("script", "")
        if script.startswith("./.github/"):
            example = ROOT / "examples" / "github-actions" / Path(script).name
            argvs += shell_commands(example.read_text())
    return argvs


@pytest.mark.parametrize("path", APPWRIGHT, ids=[p.parent.name for p in APPWRIGHT])
def test_appwright_workflow_submits_waits_with_junit_and_keeps_the_report(path: Path) -> None:
    """Both ways to reach a server (a hosted one, a throwaway one on a Redis service), each
    submitting for the commit, waiting with a JUnit report and uploading it even on failure."""
    workflow = load(path)
    assert "push" in workflow["on"]
    jobs = workflow["jobs"]
    assert set(jobs) == {"hosted", "throwaway"}
    assert "secrets.QGJOB_TOKEN" in str(jobs["hosted"]["env"]["QGJOB_TOKEN"])
    assert jobs["throwaway"]["services"]["redis"]["image"].startswith("redis:")
    for job_id, job in jobs.items():
        argvs = _qgjob_argvs(workflow, job_id)
        submits = [a for a in argvs if a[:2] == ["qgjob", "submit"]]
        assert submits and all("$GITHUB_SHA" in a for a in submits), job_id
        waits = [a for a in argvs if a[:2] == ["qgjob", "wait"] or "--wait" in a]
        assert any("--junit" in a for a in waits), job_id
        upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload"))
        assert upload["if"] == "always()"
        assert "report.xml" in upload["with"]["path"]
        if job_id == "throwaway":
            starts = {a[0] for a in argvs}
            assert {"qgjob-api", "qgjob-scheduler", "qgjob-worker"} <= starts


@pytest.mark.parametrize("path", EXAMPLE_SCRIPTS, ids=[p.name for p in EXAMPLE_SCRIPTS])
def test_example_scripts_call_only_real_qgjob_commands(path: Path) -> None:
    argvs = shell_commands(path.read_text())
    assert argvs
    for argv in argvs:
        assert check_argv(argv).problems == [], argv


def test_ci_builds_the_docs_site() -> None:
    (job,) = load(ROOT / ".github" / "workflows" / "ci.yml")["jobs"].values()
    assert any(step.get("run") == "make docs" for step in job["steps"])
    assert any(step.get("uses", "").startswith("actions/setup-node@") for step in job["steps"])


def test_the_image_workflow_lints_builds_smoke_tests_and_pushes_on_tags_only() -> None:
    workflow = load(ROOT / ".github" / "workflows" / "image.yml")
    assert {"push", "pull_request"} <= set(workflow["on"])
    assert workflow["on"]["push"]["tags"] == ["v*"]
    assert workflow["permissions"] == {"contents": "read"}
    lint, image = workflow["jobs"]["lint"], workflow["jobs"]["image"]
    lint_runs = " ".join(step.get("run", "") for step in lint["steps"])
    assert "hadolint Dockerfile" in lint_runs
    assert "rhysd/actionlint:" in lint_runs
    assert image["needs"] == "lint"
    assert image["permissions"]["packages"] == "write"
    builds = [
        s for s in image["steps"] if s.get("uses", "").startswith("docker/build-push-action@")
    ]
    loaded, pushed = builds
    assert loaded["with"]["load"] is True and "push" not in loaded["with"]
    assert pushed["with"]["push"] is True
    assert pushed["if"] == "startsWith(github.ref, 'refs/tags/v')"
    login = next(s for s in image["steps"] if s.get("uses", "").startswith("docker/login-action@"))
    assert login["if"] == pushed["if"]
    smoke = next(s for s in image["steps"] if "Smoke" in s.get("name", ""))
    steps = [s.get("name") for s in image["steps"]]
    assert steps.index(smoke["name"]) < steps.index(pushed["name"])
