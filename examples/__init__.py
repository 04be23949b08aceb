"""Example strategies a trader can copy: validated by the tests, never loaded by default."""
