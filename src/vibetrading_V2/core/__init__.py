"""Pure domain: value types, ports and the typed error tree. No I/O, no project imports."""
