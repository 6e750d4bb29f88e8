"""The scheduling benchmark: a seeded discrete-event simulation that drives the real policy
code (``qgjob_scheduler.policy``) on six workloads, against two baselines and a lower bound;
plus workload W1 run for real through ``qgjob up`` at 1/100 time scale.

``make bench-scheduling`` (or ``python -m bench.scheduling``) prints the table.
"""
