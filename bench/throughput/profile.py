"""``python -m bench.throughput.profile``: where the pipeline's CPU time goes.

Starts the bench's platform (AOF off), attaches ``py-spy record`` (sampling, on-CPU samples
only, the target not paused) to the scheduler and to one worker of each target during an
end-to-end run, and to the API during a single-submit run and a status-read run; then sums
the samples per function: *self* (the function was running) and *total* (it was on the
stack). Writes the raw stacks (``*.txt``, collapsed format, for flame graphs) and a Markdown
summary next to them.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from bench.harness import RESULTS
from bench.throughput.config import BenchConfig
from bench.throughput.phases import single_submit, status_read
from bench.throughput.pipeline import end_to_end
from bench.throughput.progress import say
from bench.throughput.services import TARGETS, BenchPlatform
from bench.throughput.session import open_session
from bench.throughput.workload import StoreBatchSubmitter

RATE = 250
TOP = 15
FRAME = re.compile(r"^(?P<fn>.*) \((?P<file>[^)]*?)(?::\d+)?\)$")


def py_spy() -> str:
    return str(Path(sys.executable).with_name("py-spy"))


@contextmanager
def recording(pids: dict[str, int], out: Path) -> Iterator[None]:
    """``py-spy record`` on each pid while the block runs; stopped with SIGINT, which makes
    py-spy write what it sampled."""
    procs = [
        subprocess.Popen(
            [
                py_spy(),
                "record",
                "--pid",
                str(pid),
                "--rate",
                str(RATE),
                "--nonblocking",
                "--format",
                "raw",
                "--output",
                str(out / f"{name}.txt"),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for name, pid in pids.items()
    ]
    try:
        yield
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGINT)
        for proc in procs:
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)


def _frame(text: str) -> str:
    m = FRAME.match(text)
    if not m:
        return text
    file = m.group("file")
    for marker in ("site-packages/", "/qgjob_", "lib/python3"):
        if marker in file:
            file = file[file.index(marker) :].removeprefix("site-packages/").lstrip("/")
            break
    return f"{m.group('fn')} ({file})"


IDLE_LEAVES = ("EpollSelector.select", "Condition.wait", "Event.wait", "Queue.get")
"""Leaf frames where a thread waits. py-spy counts a thread that is runnable but waiting
for a core as active, so on a busy machine these show up; they are left out of the
percentages."""

CATEGORIES = [
    ("socket writes (send syscalls)", ("_SelectorSocketTransport.write",)),
    ("redis-py client", ("(redis/",)),
    ("logging (structlog)", ("(structlog/", "(logging/")),
    ("pydantic", ("(pydantic", "(pydantic_core")),
    (
        "web stack (FastAPI, Starlette, uvicorn, anyio)",
        ("(fastapi/", "(starlette/", "(uvicorn/", "(anyio/"),
    ),
    ("thread-pool hand-off", ("(threading.py)", "(queue.py)", "(concurrent/")),
    ("asyncio event loop and transports", ("(asyncio/", "(selectors.py)")),
    ("qgjob code", ("(qgjob_",)),
]


def _category(leaf: str) -> str:
    for name, marks in CATEGORIES:
        if any(m in leaf for m in marks):
            return name
    return "other"


def summarize(path: Path) -> str:
    """Busy samples per category of the running function, then the top functions by self
    and by total samples, as Markdown."""
    own: Counter[str] = Counter()
    total: Counter[str] = Counter()
    kinds: Counter[str] = Counter()
    samples = idle = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        n = int(count)
        frames = [_frame(f) for f in stack.split(";")]
        samples += n
        if frames[-1].startswith(IDLE_LEAVES):
            idle += n
            continue
        own[frames[-1]] += n
        kinds[_category(frames[-1])] += n
        for f in set(frames):
            total[f] += n
    busy = samples - idle
    if not busy:
        return f"### {path.stem}\n\nno busy samples\n"
    lines = [
        f"### {path.stem}: {busy:,} busy samples at {RATE} Hz ({idle:,} waiting, left out)",
        "",
        "| share of busy samples | running in |",
        "| ---: | --- |",
        *(f"| {100 * n / busy:.1f} % | {k} |" for k, n in kinds.most_common()),
        "",
        "| self % | function | total % | function |",
        "| ---: | --- | ---: | --- |",
    ]
    tops = zip(own.most_common(TOP), _interesting(total, TOP), strict=False)
    for (f1, n1), (f2, n2) in tops:
        lines.append(f"| {100 * n1 / busy:.1f} | `{f1}` | {100 * n2 / busy:.1f} | `{f2}` |")
    return "\n".join(lines) + "\n"


def _interesting(total: Counter[str], n: int) -> list[tuple[str, int]]:
    """The most inclusive frames, without the event loop's and the interpreter's own
    entry frames, which are on every stack."""
    skip = (
        "run_forever",
        "_run_once",
        "Handle._run",
        "<module>",
        "Runner.run",
        "run_until_complete",
        "main (",
        "_run_module_as_main",
        "_run_code",
        "serve (",
        "Thread._bootstrap",
        "WorkerThread.run",
        "run (asyncio",
    )
    return [(f, c) for f, c in total.most_common() if not f.startswith(skip)][:n]


async def _profile(platform: BenchPlatform, config: BenchConfig, out: Path) -> None:
    async with open_session(platform, config) as s:
        pids = {n: svc.proc.pid for n, svc in platform.services.items() if svc.proc}
        pipeline = {
            "scheduler": pids["scheduler"],
            **{f"worker-{t}-1": pids[f"{t}-1"] for t in TARGETS},
        }
        say(f"  end to end, {config.jobs} jobs, py-spy on {', '.join(pipeline)}")
        with recording(pipeline, out):
            e2e = await end_to_end(s, StoreBatchSubmitter(s.jobs))
        say(f"    {e2e['jobs_per_s']:,.0f} jobs/s; single submit, py-spy on the API")
        with recording({"api-submit": pids["api"]}, out):
            await single_submit(s)
        say("  status read, py-spy on the API")
        with recording({"api-status-read": pids["api"]}, out):
            await status_read(s, e2e["job_ids"])


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.throughput.profile", description=__doc__)
    p.add_argument("--jobs", type=int, default=20_000)
    p.add_argument("--out", type=Path, default=RESULTS / "profile")
    a = p.parse_args(argv)
    out = a.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    config = replace(BenchConfig(), jobs=a.jobs, warmup_seconds=0, out=out)
    platform = BenchPlatform(out / "run", aof=False)
    try:
        platform.start()
        asyncio.run(_profile(platform, config, out))
    except KeyboardInterrupt:
        say("interrupted: every process the bench started was stopped")
        return 130
    finally:
        platform.stop()
    names = ["scheduler", *(f"worker-{t}-1" for t in TARGETS), "api-submit", "api-status-read"]
    text = "\n".join(summarize(out / f"{n}.txt") for n in names if (out / f"{n}.txt").exists())
    (out / "summary.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
