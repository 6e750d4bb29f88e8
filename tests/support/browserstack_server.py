"""A local stand-in for BrowserStack App Automate's REST API, on a free port: upload,
plan, and the error answers a test asks for."""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

USER, KEY = "qa-team", "s3cr3t"


@dataclass
class Upload:
    custom_id: str
    filename: str
    size: int
    app_url: str


@dataclass
class FakeBrowserStack:
    max_parallel: int = 5
    upload_delay_s: float = 0.3
    fail: dict[str, int] = field(default_factory=dict)
    """Path → status to answer instead (401, 403, 429, 500)."""
    uploads: list[Upload] = field(default_factory=list)
    plan_calls: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> tuple[ThreadingHTTPServer, str]:
        handler = type("Handler", (_Handler,), {"fake": self})
        server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    fake: FakeBrowserStack

    def log_message(self, *args: Any) -> None:
        return None

    def _send(self, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _authorised(self) -> bool:
        expected = "Basic " + base64.b64encode(f"{USER}:{KEY}".encode()).decode()
        return self.headers.get("Authorization") == expected

    def _refused(self) -> bool:
        if not self._authorised():
            self._send(401, {"error": "Authentication failed"})
            return True
        status = self.fake.fail.get(self.path)
        if status:
            self._send(status, {"error": f"injected {status}"})
            return True
        return False

    def do_GET(self) -> None:
        if self._refused():
            return
        if self.path != "/app-automate/plan.json":
            self._send(404, {"error": "not found"})
            return
        with self.fake.lock:
            self.fake.plan_calls += 1
        self._send(
            200,
            {
                "automate_plan": "App Automate Pro",
                "parallel_sessions_running": 0,
                "parallel_sessions_max_allowed": self.fake.max_parallel,
                "queued_sessions": 0,
            },
        )

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        if self._refused():
            return
        if self.path != "/app-automate/upload":
            self._send(404, {"error": "not found"})
            return
        custom = re.search(rb'name="custom_id"\r\n\r\n([^\r]*)\r\n', body)
        name = re.search(rb'name="file"; filename="([^"]+)"', body)
        if not custom or not name:
            self._send(400, {"error": "file and custom_id are required"})
            return
        time.sleep(self.fake.upload_delay_s)
        with self.fake.lock:
            app_url = f"bs://app{len(self.fake.uploads) + 1:04d}"
            self.fake.uploads.append(
                Upload(custom.group(1).decode(), name.group(1).decode(), len(body), app_url)
            )
        self._send(200, {"app_url": app_url, "custom_id": custom.group(1).decode()})
