"""Counting finished tasks inside each worker process without adding work per task: a
counter and a timestamp in memory, which a background thread of the process writes to a
file of its own at most every 100 ms (only when they changed). The file holds the exact time
of the process's last completion, so the figures do not depend on when it was written."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

COUNTS_DIR = "BENCH_PEER_COUNTS"
"""Environment variable: the folder each worker process writes its counts to."""
REDIS_URL = "BENCH_PEER_URL"
"""Environment variable: the broker's Redis URL."""
FLUSH_S = 0.1


def redis_url() -> str:
    return os.environ.get(REDIS_URL, "redis://127.0.0.1:6379/0")


class Completions:
    def __init__(self) -> None:
        self.count = 0
        self.last = 0.0
        self._flusher: threading.Thread | None = None
        self._pid = 0

    def hit(self) -> None:
        """One task finished (called in the worker, after the task ran)."""
        self.count += 1
        self.last = time.time()
        if self._pid != os.getpid():  # first hit in this process (maybe a forked child)
            self._pid = os.getpid()
            self._flusher = threading.Thread(target=self._flush_loop, daemon=True)
            self._flusher.start()

    def _flush_loop(self) -> None:
        folder = os.environ.get(COUNTS_DIR)
        if not folder:
            return
        path = Path(folder) / f"{os.getpid()}.json"
        written = -1
        while True:
            count, last = self.count, self.last
            if count != written:
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps({"pid": os.getpid(), "count": count, "last": last}))
                os.replace(tmp, path)
                written = count
            time.sleep(FLUSH_S)


COMPLETIONS = Completions()


def read_all(folder: Path) -> dict[str, float]:
    """The counts of every worker process together."""
    records = [json.loads(p.read_text()) for p in folder.glob("*.json")]
    return {
        "count": sum(r["count"] for r in records),
        "processes": len(records),
        "last": max((r["last"] for r in records), default=0.0),
    }
