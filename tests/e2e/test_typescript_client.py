"""A small TypeScript program written against the generated client (submit, suite, poll,
paginate, a 404, a 422, live events) type-checks with `tsc --strict`, and runs with node
against the API, a scheduler and a worker as processes."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from tests.support.api import ADMIN
from tests.support.clients import TS_CLIENT, run, ts_tool
from tests.support.platform import Platform

pytestmark = pytest.mark.e2e
PROGRAM = TS_CLIENT / "examples"


def test_a_typescript_program_using_the_client_type_checks_and_runs(
    platform: Platform, tmp_path: Path, out_dir: Path
) -> None:
    assert json.loads((TS_CLIENT / "tsconfig.json").read_text())["compilerOptions"]["strict"]
    out = tmp_path / "dist"
    done = run(ts_tool("tsc"), "-p", PROGRAM / "tsconfig.json", "--outDir", out, cwd=TS_CLIENT)
    assert done.returncode == 0, done.stdout + done.stderr
    (out / "package.json").write_text('{"type": "module"}\n')  # the client is ES modules

    platform.start_api()
    platform.start_scheduler()
    platform.start_worker("emulator")
    token = httpx.post(
        f"{platform.api_url}/v1/admin/tokens", json={"org_id": "acme"}, headers=ADMIN, timeout=10
    ).json()["token"]
    done = run(
        "env",
        f"QGJOB_API_URL={platform.api_url}",
        f"QGJOB_TOKEN={token}",
        "node",
        out / "examples" / "tour.js",
        cwd=tmp_path,
        timeout=90,
    )
    (out_dir / "tour.out").write_text(done.stdout + done.stderr)
    assert done.returncode == 0, done.stdout + done.stderr
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["events"][0] == "queued" and summary["events"][-1] == "passed"
    assert summary["suite"]["total"] == 2 and summary["suite"]["passed"] is False
    assert summary["suite"]["counts"] == {"passed": 1, "failed": 1}
    assert summary["listed"] == 3 and summary["listed_job"] is True
    assert summary["not_found"] == "not_found"
    assert any("app_version_id" in field for field in summary["invalid_fields"])


def test_the_program_does_not_type_check_when_it_misuses_the_client(tmp_path: Path) -> None:
    """The check has teeth: a wrong field name in a request body is a type error."""
    broken = tmp_path / "examples"
    broken.mkdir()
    source = (PROGRAM / "tour.ts").read_text().replace("test_path:", "test_file:", 1)
    (broken / "tour.ts").write_text(source.replace('"../src/', f'"{TS_CLIENT}/src/'))
    config = {
        "extends": str(TS_CLIENT / "tsconfig.json"),
        "compilerOptions": {
            "noEmit": True,
            "rootDir": "/",
            "types": ["node"],
            "typeRoots": [str(TS_CLIENT / "node_modules" / "@types")],
        },
        "include": [str(broken / "tour.ts")],
    }
    (broken / "tsconfig.json").write_text(json.dumps(config))
    done = run(ts_tool("tsc"), "-p", broken / "tsconfig.json", cwd=TS_CLIENT)
    assert done.returncode != 0
    assert "test_file" in done.stdout
