"""Benchmarks (`make bench`): the pipeline against a hand-written DuckDB baseline, as ratios."""
