"""Progress lines on stderr, with the seconds since the bench started."""

from __future__ import annotations

import sys
import time

_T0 = time.monotonic()


def say(text: str) -> None:
    print(f"{time.monotonic() - _T0:6.1f}s {text}", file=sys.stderr, flush=True)
