"""A counting TCP proxy in front of Redis: Redis round trips and commands, per service and
per pipeline stage, measured on the wire.

Each service role gets its own listening port, so every connection is known to belong to
the API, the scheduler, a worker or the bench. A round trip is one burst of bytes from a
client up to the server's next reply: a command, a whole pipeline, or a blocking read.
Each burst is given the stage of its first command (see :mod:`bench.throughput.stages`).
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

Command = list[bytes]
Classify = Callable[[Command], str]


class RespCommands:
    """Splits a client's byte stream into commands (RESP arrays of bulk strings, or inline
    commands), across reads."""

    def __init__(self) -> None:
        self._buf = bytearray()

    def feed(self, data: bytes) -> list[Command]:
        self._buf += data
        out: list[Command] = []
        pos = 0
        while pos < len(self._buf):
            parsed = self._parse(pos)
            if parsed is None:
                break
            command, pos = parsed
            if command:
                out.append(command)
        del self._buf[:pos]
        return out

    def _line(self, pos: int) -> tuple[bytes, int] | None:
        end = self._buf.find(b"\r\n", pos)
        return None if end < 0 else (bytes(self._buf[pos:end]), end + 2)

    def _parse(self, pos: int) -> tuple[Command, int] | None:
        head = self._line(pos)
        if head is None:
            return None
        line, pos = head
        if not line.startswith(b"*"):
            return line.split(), pos  # an inline command
        args: Command = []
        for _ in range(int(line[1:])):
            size_line = self._line(pos)
            if size_line is None:
                return None
            size, pos = int(size_line[0][1:]), size_line[1]
            if len(self._buf) < pos + size + 2:
                return None
            args.append(bytes(self._buf[pos : pos + size]))
            pos += size + 2
        return args, pos


@dataclass
class Tally:
    """Round trips per (role, stage), commands per (role, stage, command name)."""

    round_trips: Counter[tuple[str, str]] = field(default_factory=Counter)
    commands: Counter[tuple[str, str, str]] = field(default_factory=Counter)


class _Connection:
    def __init__(self, proxy: CountingProxy, role: str) -> None:
        self.proxy, self.role = proxy, role
        self.parser = RespCommands()
        self.burst_open = False
        self.burst_counted = False

    def from_client(self, data: bytes) -> None:
        if not self.burst_open:
            self.burst_open, self.burst_counted = True, False
        for command in self.parser.feed(data):
            if not self.proxy.counting:
                continue
            stage = self.proxy.classify(command)
            name = command[0].decode(errors="replace").upper()
            self.proxy.tally.commands[(self.role, stage, name)] += 1
            if not self.burst_counted:
                self.burst_counted = True
                self.proxy.tally.round_trips[(self.role, stage)] += 1

    def from_server(self) -> None:
        self.burst_open = False


class CountingProxy:
    """Runs in a thread of its own; :meth:`window` counts what passes while it is open."""

    def __init__(self, upstream_port: int, roles: list[str], classify: Classify) -> None:
        self.upstream_port = upstream_port
        self.roles = roles
        self.classify = classify
        self.ports: dict[str, int] = {}
        self.tally = Tally()
        self.counting = False
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="rt-proxy", daemon=True)
        self._servers: list[asyncio.Server] = []

    def start(self) -> dict[str, int]:
        """Listen on a free port per role; returns them."""
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the round-trip proxy did not start")
        return self.ports

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._listen())
        self._ready.set()
        self._loop.run_forever()
        for server in self._servers:
            server.close()
        self._loop.run_until_complete(self._loop.shutdown_asyncgens())
        self._loop.close()

    async def _listen(self) -> None:
        for role in self.roles:

            async def handle(
                r: asyncio.StreamReader, w: asyncio.StreamWriter, role: str = role
            ) -> None:
                await self._serve(r, w, role)

            server = await asyncio.start_server(handle, "127.0.0.1", 0)
            self._servers.append(server)
            self.ports[role] = server.sockets[0].getsockname()[1]

    async def _serve(self, cr: asyncio.StreamReader, cw: asyncio.StreamWriter, role: str) -> None:
        try:
            ur, uw = await asyncio.open_connection("127.0.0.1", self.upstream_port)
        except OSError:
            cw.close()
            return
        conn = _Connection(self, role)

        async def pump(src: asyncio.StreamReader, dst: asyncio.StreamWriter, up: bool) -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await src.read(1 << 16):
                    if up:
                        conn.from_client(data)
                    else:
                        conn.from_server()
                    dst.write(data)
                    await dst.drain()
            dst.close()

        await asyncio.gather(pump(cr, uw, True), pump(ur, cw, False))

    @contextlib.contextmanager
    def window(self) -> Iterator[Tally]:
        """Count from entry to exit; the yielded tally is complete after the block."""
        tally = Tally()
        self._call(lambda: self._swap(tally, counting=True))
        try:
            yield tally
        finally:
            self._call(lambda: self._swap(Tally(), counting=False))

    def _swap(self, tally: Tally, *, counting: bool) -> None:
        self.tally, self.counting = tally, counting

    def _call(self, fn: Callable[[], None]) -> None:
        async def run() -> None:
            fn()

        asyncio.run_coroutine_threadsafe(run(), self._loop).result(10)

    def stop(self) -> None:
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
