"""``python -m bench.memory``: see :mod:`bench.memory.run`."""

import sys

from bench.memory.run import main

sys.exit(main())
