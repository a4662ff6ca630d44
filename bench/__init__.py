"""Load and throughput benchmarks. Run with `make bench`; ratios, not absolutes."""
