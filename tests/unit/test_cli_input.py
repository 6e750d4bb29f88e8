"""What the CLI reads before it calls the API: test globs, suite files, durations, and its
settings from flags, environment and the config file."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer

from qgjob_cli import exit_codes
from qgjob_cli.client import CliError
from qgjob_cli.common import parse_duration
from qgjob_cli.settings import config_path, load_settings, mask
from qgjob_cli.submit import build
from qgjob_cli.suitefile import load
from qgjob_cli.testpaths import expand


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    for name in [
        "tests/login.spec.js",
        "tests/checkout.spec.js",
        "tests/cart/add.spec.js",
        "tests/cart/remove.spec.js",
        "tests/helpers.js",
        "node_modules/pkg/tests/x.spec.js",
    ]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    return tmp_path


def test_globs_expand_sorted_without_duplicates_and_plain_paths_pass_as_given(
    repo: Path,
) -> None:
    found = expand(
        ["tests/**/*.spec.js", "tests/login.spec.js", "tests/*.spec.js", "later/new.spec.js"],
        repo,
    )
    assert found == [
        "later/new.spec.js",
        "tests/cart/add.spec.js",
        "tests/cart/remove.spec.js",
        "tests/checkout.spec.js",
        "tests/login.spec.js",
    ]


def test_globs_skip_node_modules_unless_named_and_match_files_only(repo: Path) -> None:
    assert "node_modules/pkg/tests/x.spec.js" not in expand(["**/*.spec.js"], repo)
    assert expand(["node_modules/**/*.spec.js"], repo) == ["node_modules/pkg/tests/x.spec.js"]
    assert expand(["tests/*"], repo) == [
        "tests/checkout.spec.js",
        "tests/helpers.js",
        "tests/login.spec.js",
    ]


def test_a_glob_matching_nothing_is_a_bad_argument(repo: Path) -> None:
    with pytest.raises(CliError) as err:
        expand(["tests/**/*.spek.js"], repo)
    assert err.value.code == exit_codes.BAD_ARGUMENTS
    assert "'tests/**/*.spek.js' matches no file" in err.value.message


def test_suite_file_globs_expand_in_its_folder(repo: Path) -> None:
    (repo / "suite.yaml").write_text(
        "name: nightly\napp_version_id: '1.10'\ntargets: emulator\n"
        "tests: ['tests/cart/*.spec.js', tests/login.spec.js]\nflaky_retries: 1\n"
    )
    fields = load(repo / "suite.yaml")
    assert fields == {
        "name": "nightly",
        "app_version_id": "1.10",
        "targets": ["emulator"],
        "tests": ["tests/cart/add.spec.js", "tests/cart/remove.spec.js", "tests/login.spec.js"],
        "flaky_retries": 1,
    }
    path, body = build(fields, as_suite=True)
    assert path == "/v1/suites"
    assert body["tests"] == fields["tests"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tests: [a.js]\ncolour: blue\n", "unknown field colour"),
        ("- a\n- b\n", "must be a mapping"),
        ("tests: [a.js\n", "not valid YAML (line 2)"),
        ("app_version_id: 1.10\ntests: [a.js]\n", "app_version_id must be a string: quote it"),
        ("tests: {a: 1}\n", "tests must be a list of strings"),
        ("tests: ['nothing/*.js']\n", "matches no file"),
    ],
)
def test_bad_suite_files_are_bad_arguments_naming_the_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "suite.yaml").write_text(text)
    with pytest.raises(CliError) as err:
        load(tmp_path / "suite.yaml")
    assert err.value.code == exit_codes.BAD_ARGUMENTS
    assert message in err.value.message
    assert "suite.yaml" in err.value.message


def test_one_test_on_one_target_is_a_job_else_a_suite() -> None:
    one = {"app_version_id": "v1", "tests": ["a.js"], "targets": ["device"], "priority": "high"}
    assert build(one, as_suite=False) == (
        "/v1/jobs",
        {
            "app_version_id": "v1",
            "test_path": "a.js",
            "target": "device",
            "priority": "high",
            "flaky_retries": 0,
        },
    )
    assert build(one, as_suite=True)[0] == "/v1/suites"
    assert build({**one, "targets": ["device", "emulator"]}, as_suite=False)[0] == "/v1/suites"
    with pytest.raises(CliError, match="test_path must be relative") as err:
        build({**one, "tests": ["/abs.js"]}, as_suite=False)
    assert err.value.code == exit_codes.BAD_ARGUMENTS


@pytest.mark.parametrize(
    ("text", "seconds"), [("90", 90), ("90s", 90), ("1.5m", 90), ("1h30m", 5400), ("500ms", 0.5)]
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "10 minutes", "0", "5x"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(typer.BadParameter):
        parse_duration(text)


@pytest.fixture
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("QGJOB_API_URL", "QGJOB_TOKEN", "QGJOB_ORG", "QGJOB_REQUEST_TIMEOUT_S"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    return tmp_path


def test_settings_come_from_flags_then_environment_then_the_config_file(
    config_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert config_path() == config_home / "qgjob" / "config.toml"
    config_path().parent.mkdir()
    config_path().write_text(
        'api_url = "https://file.example"\ntoken = "file-token"\norg = "acme"\n'
    )
    cfg = load_settings()
    assert (cfg.api_url, cfg.token, cfg.org) == ("https://file.example", "file-token", "acme")
    monkeypatch.setenv("QGJOB_API_URL", "https://env.example")
    monkeypatch.setenv("QGJOB_ORG", "globex")
    cfg = load_settings()
    assert (cfg.api_url, cfg.token, cfg.org) == ("https://env.example", "file-token", "globex")
    assert load_settings(api_url="https://flag.example").api_url == "https://flag.example"


def test_a_relative_xdg_config_home_is_ignored(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", "relative/dir")
    assert config_path() == Path.home() / ".config" / "qgjob" / "config.toml"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('api-url = "x"\n', "unknown setting api-url"),
        ("api_url = \n", "is not valid TOML"),
        ('request_timeout_s = "soon"\n', "invalid setting QGJOB_REQUEST_TIMEOUT_S"),
    ],
)
def test_a_bad_config_file_is_a_bad_argument(config_home: Path, text: str, message: str) -> None:
    config_path().parent.mkdir()
    config_path().write_text(text)
    with pytest.raises(CliError) as err:
        load_settings()
    assert err.value.code == exit_codes.BAD_ARGUMENTS
    assert message in err.value.message


def test_tokens_are_never_shown_whole() -> None:
    token = "qgj_01JDY4T6M3Q9W8K7R2N5P1X0AB_3q2-L4t0kq6d2r0WQxYk8mHn1s5Zb7vA"
    shown = mask(token)
    assert shown == f"qgj_…b7vA ({len(token)} characters)"
    assert mask("short-secret") == "******** (12 characters)"
    assert mask(None) == "(not set)"
