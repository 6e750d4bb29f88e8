"""The pipeline benchmark: a real redis-server, the API under uvicorn, one scheduler and two
workers per target as separate processes, the simulated driver with zero install and test
time, so what is measured is the pipeline itself. ``python -m bench.throughput --help``."""
