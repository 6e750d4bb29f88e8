"""Live watchers: many clients following their own suite's event stream on one API process
while the platform finishes jobs at a steady rate (``python -m bench.watchers``)."""
