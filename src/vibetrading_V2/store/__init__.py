"""StateStore adapters: in memory and SQLite."""
