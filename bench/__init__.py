"""Benchmarks: `make bench`. Real HTTP against a real server and PostgreSQL, compared with a floor view."""
