"""Benchmarks of qgjob, run from the repository root (not installed with the packages): the
scheduling policy (``bench.scheduling``), the whole pipeline (``bench.throughput``) and the
job queues people would pick instead (``bench.peers``). ``make bench-scheduling``,
``make bench`` and ``make bench-peers`` run them."""
