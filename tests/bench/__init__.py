"""Benchmarks (``python -m tests.bench.<name>``); not collected by pytest."""
