"""Running the team's test command: argv without a shell, in its own process group.

The command is a template (``QGJOB_TEST_COMMAND``) split into arguments *before* the
placeholders are filled in, so a value is always one argument: a test path like
``a.spec.js; rm -rf /`` reaches the test runner as a file name, never a shell. The command
runs in the test repository (``QGJOB_TEST_WORKDIR``) as the leader of a new process group;
a timeout or cancel stops the whole group (SIGTERM, then SIGKILL after the grace period),
and whatever is left of the group when the command exits is killed too.

Exit 0 is ``passed``, any other exit code ``failed``; a command that cannot start, or that
dies by a signal nobody sent, is an infrastructure error, and so is a failed run whose
Playwright JSON report shows it never got to test the app (:mod:`.run_errors`). A pass with
a test that passed only on Playwright's retry is reported ``flaky``.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import shlex
import signal
import string
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from qgjob_schemas import JobResult, Outcome
from qgjob_worker.drivers.base import ConfigurationError, InfrastructureError, LogSink
from qgjob_worker.drivers.reports import read_counts
from qgjob_worker.drivers.run_errors import flaky_tests, infrastructure_failure, read_report

PLACEHOLDERS = frozenset(
    {"test_path", "project", "app_path", "app_version_id", "org_id", "job_id", "output_dir"}
)
"""What a test command template may use."""
READ_CHUNK = 64 * 1024
TAIL_CHARS = 4000
DRAIN_TIMEOUT_S = 5.0


def parse_template(template: str) -> list[str]:
    """The template's arguments; raises :class:`ConfigurationError` for an empty template,
    unbalanced quotes or an unknown placeholder."""
    try:
        tokens = shlex.split(template)
    except ValueError as exc:
        raise ConfigurationError(f"QGJOB_TEST_COMMAND={template!r}: {exc}") from None
    if not tokens:
        raise ConfigurationError("QGJOB_TEST_COMMAND is empty")
    for token in tokens:
        try:
            fields = [f for _, f, _, _ in string.Formatter().parse(token) if f is not None]
        except ValueError as exc:
            raise ConfigurationError(f"QGJOB_TEST_COMMAND={template!r}: {exc}") from None
        unknown = [f for f in fields if f not in PLACEHOLDERS]
        if unknown:
            known = ", ".join("{" + p + "}" for p in sorted(PLACEHOLDERS))
            raise ConfigurationError(
                f"QGJOB_TEST_COMMAND uses unknown placeholder {{{unknown[0]}}} (known: {known})"
            )
    return tokens


def safe_test_path(path: str) -> str:
    """A test path the runner cannot take for an option (``-x`` becomes ``./-x``)."""
    return f"./{path}" if path.startswith("-") else path


@dataclass(frozen=True)
class Invocation:
    """One run of the test command."""

    values: Mapping[str, str]
    """Placeholder values (every name of :data:`PLACEHOLDERS`)."""
    env: Mapping[str, str]
    log_file: Path
    output_dir: Path


class _Output:
    """Output as it comes: to the log file, to the job log, and a tail."""

    def __init__(self, fh: BinaryIO, sink: LogSink) -> None:
        self._fh, self._sink = fh, sink
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.tail = ""

    async def write(self, data: bytes, *, final: bool = False) -> None:
        self._fh.write(data)
        text = self._decoder.decode(data, final=final)
        if text:
            self.tail = (self.tail + text)[-TAIL_CHARS:]
            await self._sink(text)


class CommandRunner:
    def __init__(self, template: str, workdir: Path, *, kill_grace_s: float = 5.0) -> None:
        self.tokens = parse_template(template)
        self.workdir = workdir
        self.kill_grace_s = kill_grace_s

    def argv(self, values: Mapping[str, str]) -> list[str]:
        return [token.format_map(values) for token in self.tokens]

    async def run(self, inv: Invocation, log: LogSink) -> JobResult:
        """Run the command to its end and report the outcome; cancelling the task kills the
        command's whole process group before the cancellation goes on."""
        argv = self.argv(inv.values)
        started = time.monotonic()
        proc = await self._start(argv, inv)
        with _open_log(inv.log_file) as fh:
            out = _Output(fh, log)
            pump = asyncio.create_task(_pump(proc, out))
            try:
                code = await proc.wait()
            except asyncio.CancelledError:
                await self._stop_group(proc)
                raise
            finally:
                _signal_group(proc.pid, signal.SIGKILL)
                await _group_gone(proc.pid)
                await _finish_pump(pump)
        return _result(code, out.tail, time.monotonic() - started, inv.output_dir)

    async def _start(self, argv: list[str], inv: Invocation) -> asyncio.subprocess.Process:
        try:
            return await asyncio.create_subprocess_exec(
                *argv,
                cwd=self.workdir,
                env=dict(inv.env),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as exc:
            reason = exc.strerror or str(exc)
            raise InfrastructureError(
                f"cannot start the test command {argv[0]!r} in {self.workdir}: {reason}"
            ) from None

    async def _stop_group(self, proc: asyncio.subprocess.Process) -> None:
        _signal_group(proc.pid, signal.SIGTERM)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(proc.wait()), self.kill_grace_s)
        _signal_group(proc.pid, signal.SIGKILL)
        await proc.wait()


def _open_log(path: Path) -> BinaryIO:
    """The run's log file (a local file: writes go to the page cache, not to wait on)."""
    return path.open("wb")


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


GROUP_GONE_WAIT_S = 5.0
"""How long a run waits, after SIGKILL, for its group's processes to be gone."""


async def _group_gone(pgid: int) -> None:
    """Wait (bounded) until no live process of group ``pgid`` is left: SIGKILL is delivered
    asynchronously, and a run is over only when nothing of it still runs (a loaded host can
    take a while to finish off a killed process). Zombies count as gone: they run nothing."""
    deadline = time.monotonic() + GROUP_GONE_WAIT_S
    # No event tells when a process group has ended: poll, briefly.
    while _group_members_alive(pgid) and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.01)


def _group_members_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    proc = Path("/proc")
    if not proc.is_dir():
        return False  # no way to tell zombies apart here: the signal was sent, go on
    for stat_file in proc.glob("[0-9]*/stat"):
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] not in ("Z", "X"):
            return True
    return False


async def _pump(proc: asyncio.subprocess.Process, out: _Output) -> None:
    assert proc.stdout is not None
    while chunk := await proc.stdout.read(READ_CHUNK):
        await out.write(chunk)
    await out.write(b"", final=True)


async def _finish_pump(pump: asyncio.Task[None]) -> None:
    """Let the reader drain what is left in the pipe; give up after a while."""
    done, _ = await asyncio.wait({pump}, timeout=DRAIN_TIMEOUT_S)
    if not done:
        pump.cancel()
    await asyncio.gather(pump, return_exceptions=True)


def _result(code: int, tail: str, seconds: float, output_dir: Path) -> JobResult:
    if code < 0:
        name = signal.Signals(-code).name
        raise InfrastructureError(f"the test command was killed by {name}")
    report = read_report(output_dir)
    passed = code == 0
    if not passed and report is not None and (reason := infrastructure_failure(report)):
        raise InfrastructureError(reason)
    counts = read_counts(output_dir)
    message = "" if passed else f"the test command exited with code {code}"
    if counts is not None and counts.failed and not passed:
        message = f"{counts.failed} of {counts.total} tests failed"
    return JobResult(
        outcome=Outcome.PASSED if passed else Outcome.FAILED,
        message=message,
        duration_s=round(seconds, 3),
        log_tail=tail,
        counts=counts,
        flaky=passed and report is not None and flaky_tests(report) > 0,
    )
