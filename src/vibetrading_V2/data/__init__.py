"""The ``MarketFeed`` adapter (replay) and the bar sources behind it: catalogs, bar files."""

from vibetrading_V2.data.catalog import ParquetCatalog
from vibetrading_V2.data.ingest import import_bars_file, read_bars_file
from vibetrading_V2.data.manifest import DatasetEntry
from vibetrading_V2.data.memory import InMemoryBarSource
from vibetrading_V2.data.replay import ReplayFeed
from vibetrading_V2.data.schema import BarArrays
from vibetrading_V2.data.sources import open_bar_source
from vibetrading_V2.data.validation import validate_bars
from vibetrading_V2.data.writer import CatalogWriter

__all__ = [
    "BarArrays",
    "CatalogWriter",
    "DatasetEntry",
    "InMemoryBarSource",
    "ParquetCatalog",
    "ReplayFeed",
    "import_bars_file",
    "open_bar_source",
    "read_bars_file",
    "validate_bars",
]
