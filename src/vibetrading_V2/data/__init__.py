"""DataSource / MarketFeed adapters: the read-only curated parquet catalog and replay."""
