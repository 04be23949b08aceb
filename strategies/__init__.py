"""User strategy files; each exports one StrategyBundle."""
