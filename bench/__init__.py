"""vidskill's benchmarks, one module per area (`python -m bench.router`, ...)."""
