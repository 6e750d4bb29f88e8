"""Benchmarks of qgjob (not installed with the packages; run from the repository root)."""
