"""Benchmarks of clientvault (see bench/README.md); not part of the application or its tests."""
