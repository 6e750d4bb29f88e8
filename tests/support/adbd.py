"""A device end of the adb protocol over TCP, for the real ``adb`` to ``adb connect`` to.

No Android device or emulator runs here, and Debian's adb talks to devices only through its
server: this is the smallest device that server accepts. It answers the connection
handshake (no authentication asked) and ``shell:`` services with canned output
(``getprop sys.boot_completed``); anything else is refused. What happens in the server and
the client (connect, device state, the shell round trip) is the real adb's.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable

A_CNXN, A_OPEN, A_OKAY, A_CLSE, A_WRTE = (
    int.from_bytes(name, "little") for name in (b"CNXN", b"OPEN", b"OKAY", b"CLSE", b"WRTE")
)
VERSION = 0x01000000
MAX_DATA = 4096
BANNER = b"device::ro.product.name=qgjob;ro.product.model=fake;ro.product.device=fake;"
HEADER = struct.Struct("<6I")


def packet(command: int, arg0: int, arg1: int, data: bytes = b"") -> bytes:
    check = sum(data) & 0xFFFFFFFF
    return HEADER.pack(command, arg0, arg1, len(data), check, command ^ 0xFFFFFFFF) + data


def _read_exact(conn: socket.socket, n: int) -> bytes:
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            raise ConnectionError("adb closed the connection")
        buf += chunk
    return buf


class FakeAdbd:
    """Listens on 127.0.0.1; ``serial`` is what ``adb connect`` takes."""

    def __init__(self, shell: Callable[[str], bytes]) -> None:
        self.shell = shell
        self.commands: list[str] = []
        self._sock = socket.create_server(("127.0.0.1", 0))
        self._threads: list[threading.Thread] = []
        self._conns: list[socket.socket] = []
        self._closed = False
        self._accept = threading.Thread(target=self._serve, daemon=True)
        self._accept.start()

    @property
    def serial(self) -> str:
        return f"127.0.0.1:{self._sock.getsockname()[1]}"

    def close(self) -> None:
        self._closed = True
        # shutdown, unlike close, wakes the threads blocked in accept() and recv()
        for sock in [self._sock, *self._conns]:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        for t in [self._accept, *self._threads]:
            t.join(5)

    def _serve(self) -> None:
        while not self._closed:
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            self._conns.append(conn)
            t = threading.Thread(target=self._session, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _session(self, conn: socket.socket) -> None:
        next_id = 1
        try:
            while True:
                command, arg0, _arg1, length, _, _ = HEADER.unpack(_read_exact(conn, 24))
                data = _read_exact(conn, length)
                if command == A_CNXN:
                    conn.sendall(packet(A_CNXN, VERSION, MAX_DATA, BANNER))
                elif command == A_OPEN:
                    service = data.rstrip(b"\0").decode()
                    self.commands.append(service)
                    local, next_id = next_id, next_id + 1
                    if not service.startswith("shell:"):
                        conn.sendall(packet(A_CLSE, 0, arg0))
                        continue
                    conn.sendall(packet(A_OKAY, local, arg0))
                    conn.sendall(packet(A_WRTE, local, arg0, self.shell(service[6:])))
                    conn.sendall(packet(A_CLSE, local, arg0))
                # OKAY for what we wrote and CLSE answers need no reply
        except (ConnectionError, OSError):
            conn.close()
