"""The HTTP API: submissions, status, lists, stats and dead letters."""
