"""Strategy sandbox: refuses forbidden imports at load time and I/O in callbacks."""
