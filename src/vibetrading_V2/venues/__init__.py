"""One package per real venue (Bybit, IBKR), each filling the Execution port."""
