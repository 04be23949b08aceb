"""Composition root and command-line entry points."""
