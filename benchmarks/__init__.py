"""Benchmarks of workato-connectors against the clients users would otherwise write.

Run them all with ``python -m benchmarks`` (``--quick`` for toy sizes); each
``bench_*.py`` also runs on its own.
"""
