"""Operations adapters: structured logs, metrics, alerts, reports."""
