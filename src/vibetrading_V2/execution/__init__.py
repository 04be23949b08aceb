"""Execution adapters that need no venue: the bar-driven fill simulator."""
