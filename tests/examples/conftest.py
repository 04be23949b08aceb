"""One backtest per gallery strategy, started together and shared by the gallery tests."""

from __future__ import annotations

import pytest

from tests.examples.gallery import GALLERY_CASES, NEXT_BAR_CASES
from tests.integration.backtest_runs import Done, run_backtests


@pytest.fixture(scope="session")
def gallery_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Done]:
    return run_backtests(tmp_path_factory.mktemp("gallery"), GALLERY_CASES | NEXT_BAR_CASES)
