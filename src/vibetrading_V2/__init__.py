"""vibetrading_V2: one strategy file, backtest / paper / live by swapping adapters."""
