"""Strategy registry: load a strategy file by name or path, validate it, return its bundle."""
