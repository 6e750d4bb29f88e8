"""The Dockerfile, checked without a Docker engine: a pinned base, a multi-stage build that
installs the pinned dependencies, a non-root runtime whose default command exists, a build
context (.dockerignore) that holds what the build copies and nothing secret, and — built
here from exactly that context — a package with every module, Lua script and program."""

from __future__ import annotations

import fnmatch
import re
import shutil
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.support.commands import check_argv, console_scripts
from tests.support.manifests import ROOT, dockerfile_instructions, exec_form
from tests.support.programs import SETTINGS, env_names

DOCKERFILE = ROOT / "Dockerfile"
TEXT = DOCKERFILE.read_text()
BUILD = dockerfile_instructions(DOCKERFILE, "build")
RUNTIME = dockerfile_instructions(DOCKERFILE)
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())


def _args() -> dict[str, str]:
    return dict(
        line.split(None, 1)[1].split("=", 1)
        for line in TEXT.splitlines()
        if line.startswith("ARG ") and "=" in line
    )


def _env(stage: list[tuple[str, str]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for instruction, rest in stage:
        if instruction == "ENV":
            out.update(dict(re.findall(r"(\w+)=(\S+)", rest)))
    return out


def _copies(stage: list[tuple[str, str]]) -> list[str]:
    """Sources the stage copies from the build context."""
    sources: list[str] = []
    for instruction, rest in stage:
        if instruction == "COPY" and "--from=" not in rest:
            sources.extend(rest.split()[:-1])
    return sources


def dockerignored(path: str, patterns: list[str]) -> bool:
    """Docker's rule: a path is excluded when it or a parent folder matches the last
    matching pattern that is not a ``!`` exception."""
    parts = path.split("/")
    candidates = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    excluded = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw.lstrip("!").strip("/")
        forms = {pattern, pattern.removeprefix("**/")}
        if any(fnmatch.fnmatchcase(c, f) for c in candidates for f in forms):
            excluded = not negate
    return excluded


IGNORE = [
    line.strip()
    for line in (ROOT / ".dockerignore").read_text().splitlines()
    if line.strip() and not line.startswith("#")
]


def test_base_image_is_pinned_to_an_exact_release() -> None:
    froms = [BUILD[0][1], RUNTIME[0][1]]
    base = _args()["PYTHON_IMAGE"]
    assert re.fullmatch(r"python:(\d+)\.(\d+)\.\d+-slim-\w+(@sha256:[0-9a-f]{64})?", base), base
    for line in froms:
        assert line.split()[0] == "${PYTHON_IMAGE}"
    major, minor = map(int, re.findall(r"python:(\d+)\.(\d+)", base)[0])
    required = PYPROJECT["project"]["requires-python"].removeprefix(">=")
    assert (major, minor) >= tuple(map(int, required.split(".")))


def test_build_stage_installs_the_project_with_its_constraints() -> None:
    runs = " ".join(rest for instruction, rest in BUILD if instruction == "RUN")
    assert re.search(r"pip install -c constraints\.txt \.(\s|$)", runs), runs
    assert " -e " not in runs, "an editable install would need the sources at run time"
    assert "constraints.txt" in _copies(BUILD)


def test_runtime_stage_is_small_and_runs_as_a_non_root_user() -> None:
    assert [i for i, _ in RUNTIME].count("FROM") == 1
    assert _copies(RUNTIME) == [], "the runtime takes only the built environment"
    copied = [rest for instruction, rest in RUNTIME if instruction == "COPY"]
    assert copied == ["--from=build /opt/qgjob /opt/qgjob"]
    user = [rest for instruction, rest in RUNTIME if instruction == "USER"]
    assert user, "no USER: the image would run as root"
    uid, _, gid = user[-1].partition(":")
    assert uid.isdigit() and int(uid) > 0, "numeric, so that runAsNonRoot can be verified"
    assert gid.isdigit() and int(gid) > 0


def test_runtime_finds_the_programs_and_the_default_command_exists() -> None:
    venv = re.search(r"python -m venv (\S+)", TEXT)
    assert venv
    assert _env(RUNTIME)["PATH"].startswith(f"{venv.group(1)}/bin:")
    entrypoint = exec_form(next(r for i, r in RUNTIME if i == "ENTRYPOINT"))
    assert entrypoint == ["tini", "--"]
    assert "tini" in next(r for i, r in RUNTIME if i == "RUN")
    command = exec_form(next(r for i, r in RUNTIME if i == "CMD"))
    resolved = check_argv(command)
    assert resolved.ok, resolved.problems


def test_image_settings_are_read_by_a_service() -> None:
    known = set().union(*(env_names(s) for s in SETTINGS.values()))
    qgjob = {k for k in _env(RUNTIME) if k.startswith("QGJOB_")}
    assert qgjob
    assert qgjob <= known


def test_build_context_holds_what_the_build_copies_and_nothing_secret() -> None:
    for source in _copies(BUILD):
        assert (ROOT / source).exists(), source
        assert not dockerignored(source.rstrip("/"), IGNORE), f"{source} is .dockerignored"
    for path in [".git", ".venv", "deploy/k8s/secrets.env", "tests/conftest.py", "x/__pycache__"]:
        assert dockerignored(path, IGNORE), path


def _context(tmp_path: Path) -> Path:
    """The files a ``docker build .`` of the build stage copies (those not ignored)."""
    context = tmp_path / "context"
    for source in _copies(BUILD):
        root = ROOT / source
        for path in [root] if root.is_file() else sorted(root.rglob("*")):
            name = str(path.relative_to(ROOT))
            if path.is_file() and not dockerignored(name, IGNORE):
                (context / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, context / name)
    return context


def test_package_built_from_the_context_has_every_module_script_and_program(
    tmp_path: Path,
) -> None:
    """The image installs a wheel-like copy of the project (not the editable install the
    tests run on): a Lua script or module left out of it would only fail in the cluster."""
    context = _context(tmp_path)
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(wheels), str(context)],
        check=True,
        capture_output=True,
        timeout=240,
    )  # fmt: skip
    wheel = next(wheels.glob("qgjob-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    where = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["where"]
    expected = {
        str(path.relative_to(ROOT / base))
        for base in where
        for path in (ROOT / base).rglob("*")
        if path.suffix in (".py", ".lua", ".typed", ".html", ".css", ".js", ".svg")
        and "__pycache__" not in path.parts
    }
    assert expected, "no sources found"
    assert sorted(expected - names) == []
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    declared = zipfile.ZipFile(wheel).read(entry_points).decode()
    for program, target in console_scripts().items():
        assert f"{program} = {target}" in declared
    for group, plugins in PYPROJECT["project"].get("entry-points", {}).items():
        assert f"[{group}]" in declared
        for name, target in plugins.items():
            assert f"{name} = {target}" in declared, f"{group}: {name}"


@pytest.mark.parametrize(
    ("path", "ignored"),
    [("tests", True), ("tests/unit/x.py", True), ("libs/core/x.py", False), ("README.md", False)],
)
def test_dockerignore_matching(path: str, ignored: bool) -> None:
    assert dockerignored(path, IGNORE) is ignored
