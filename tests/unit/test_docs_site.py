"""The docs site builds in strict mode: a link to a missing page or anchor, a page missing
from the navigation, or an unrenderable openapi.json fails the build."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]


# no -q: a quiet build does not count its warnings, so strict mode would pass
def _build(config: Path, site: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", config, "-d", site],
        cwd=ROOT,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_docs_build_strict_and_render_the_api_reference(tmp_path: Path) -> None:
    done = _build(ROOT / "mkdocs.yml", tmp_path / "site")
    assert done.returncode == 0, done.stderr
    reference = (tmp_path / "site" / "api-reference" / "index.html").read_text()
    # every operation of the spec is a heading of the rendered reference page
    text = html.unescape(re.sub(r"<[^>]+>", "", reference))
    spec = json.loads((ROOT / "openapi.json").read_text())
    operations = [f"{m.upper()} {p}" for p, item in spec["paths"].items() for m in item]
    assert operations
    assert [op for op in operations if op not in text] == []


@pytest.mark.parametrize(
    ("link", "named"),
    [("nowhere.md", "nowhere.md"), ("other.md#no-such-heading", "no-such-heading")],
)
def test_a_broken_link_or_anchor_fails_the_build(tmp_path: Path, link: str, named: str) -> None:
    """The same settings as mkdocs.yml turn a link to a missing page or anchor into an error."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(f"# Home\n\nSee [there]({link}).\n")
    (docs / "other.md").write_text("# Other\n\n## A heading\n")
    ours = (ROOT / "mkdocs.yml").read_text()
    validation = ours[ours.index("validation:") : ours.index("markdown_extensions:")]
    config = tmp_path / "mkdocs.yml"
    config.write_text(f"site_name: t\nstrict: true\ndocs_dir: {docs}\n{validation}")
    done = _build(config, tmp_path / "site")
    assert done.returncode != 0
    assert named in done.stderr
