"""`make bench`: side-by-side measurements with real processes, written to docs/benchmarks.md."""
