"""The size of each Lua script as it ships (what ``SCRIPT LOAD`` and ``EVAL`` carry), in lines
and bytes: ``python -m bench.script_sizes``. Only ``SCRIPT_NAMES`` and ``build_source`` are
used, so the same file measures an older checkout (``PYTHONPATH=<checkout>/libs/store``)."""

from __future__ import annotations

from qgjob_store.scripts import SCRIPT_NAMES, Retention, build_source


def sizes() -> dict[str, tuple[int, int]]:
    """Lines and bytes of each script as shipped, with the default retention."""
    out = {}
    for name in SCRIPT_NAMES:
        text = build_source(name, Retention())
        out[name] = (len(text.splitlines()), len(text.encode()))
    return out


def main() -> None:
    rows = sizes()
    print(f"{'script':<10} {'lines':>6} {'bytes':>7}")
    for name, (lines, size) in rows.items():
        print(f"{name:<10} {lines:>6} {size:>7}")
    print(
        f"{'total':<10} {sum(r[0] for r in rows.values()):>6} {sum(r[1] for r in rows.values()):>7}"
    )


if __name__ == "__main__":
    main()
