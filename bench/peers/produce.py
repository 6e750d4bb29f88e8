"""``python -m bench.peers.produce MODULE N``: enqueue ``N`` no-op tasks with a peer's
producer, then print when the first enqueue began and the last one returned (JSON)."""

from __future__ import annotations

import importlib
import json
import sys


def main() -> None:
    module, n = sys.argv[1], int(sys.argv[2])
    started, ended = importlib.import_module(module).produce(n)
    print(json.dumps({"started": started, "ended": ended}))


if __name__ == "__main__":
    main()
