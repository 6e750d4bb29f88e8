"""The control plane at scale: redis-server, the API and the scheduler as processes, and N
virtual workers that make a real worker's store calls (``make bench-scale``)."""
