"""``python -m bench.watchers``: see :mod:`bench.watchers.run`."""

import sys

from bench.watchers.run import main

sys.exit(main())
