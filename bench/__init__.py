"""Benchmarks of the whole pipeline (``bench.throughput``) and of the job queues people
would pick instead (``bench.peers``). Run them with ``make bench`` and ``make bench-peers``."""
