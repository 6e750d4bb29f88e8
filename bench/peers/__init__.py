"""The same no-op jobs through the Python job queues people would pick instead of qgjob:
Celery, taskiq and Dramatiq, each on a Redis broker. Runs in its own virtualenv
(``bench/.venv-peers``, made by ``make bench-peers``): none of them is a dependency of qgjob."""
