"""Redis memory per finished job, every byte accounted: ``python -m bench.memory``."""
