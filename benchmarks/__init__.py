"""Reproducible speed and memory measurements (run with `make bench`)."""
