"""The gallery: one classic strategy per file, each pinned by tests/examples."""
