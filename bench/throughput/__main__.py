"""``python -m bench.throughput``: see :mod:`bench.throughput.run`."""

import sys

from bench.throughput.run import main

sys.exit(main())
