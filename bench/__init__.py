"""factdiff benchmarks: `python -m bench` runs them all and rewrites docs/EVALUATION.md."""
