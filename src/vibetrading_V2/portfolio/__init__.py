"""The ledger: cash, positions, PnL, fees and per-strategy attribution; statistics."""
