"""Per-symbol history and the strategy's vectorised features over it.

A backtest hands the whole history in one batch, so ``features()`` runs once over all of
it. A live feed hands one bar at a time (a chunked replay, a chunk at a time); then
``features()`` runs over the new rows plus the ``window`` bars before them, and only the
new rows are kept. Because features must be causal,
both ways give the same numbers once the window covers the longest lookback.

A ``features()`` error on a symbol's first batch (a backtest's whole history) raises the
typed ``StrategyError`` and ends the run. On a later batch (a live feed's bar) it is
returned instead: the new rows keep their raw fields and get NaN features, and the caller
counts the error against the strategy's budget and skips those rows' ``on_bar``.

A live history stays bounded: before a batch, a history of more than twice the window drops
its oldest bars but the window the batch's ``features()`` reads (``trimmed`` counts them). A
backtest's one batch is never trimmed.
"""

from __future__ import annotations

import sys
from array import array
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from vibetrading_V2.core.errors import DataValidationError, StrategyError
from vibetrading_V2.policies.sizing import annualised_volatility
from vibetrading_V2.runner.cursor import VOLATILITY_COLUMN
from vibetrading_V2.strategy.base import Strategy
from vibetrading_V2.strategy.guard import RuntimeGuard

__all__ = ["RAW_FIELDS", "FeatureBuilder"]

RAW_FIELDS = ("open", "high", "low", "close", "volume")
FloatArray = npt.NDArray[np.float64]
_UTC_NS = pd.DatetimeTZDtype("ns", "UTC")
_RAW_NAMES = pd.Index(RAW_FIELDS)
_CLOSE_ROW = RAW_FIELDS.index("close")
_DOUBLE = np.dtype(np.float64)


class FeatureBuilder:
    """Keeps one symbol's bars and feature columns as Python lists for fast scalar reads.

    Why it exists: the strategy's ``features()`` must be computed the same way in every
    environment, once per batch, and checked (shape, names, required fields) in one place.
    """

    def __init__(
        self,
        symbol: str,
        strategy: Strategy,
        guard: RuntimeGuard,
        *,
        required: Sequence[str],
        window: int,
        vol_lookback: int | None = None,
        periods_per_year: float = 8760.0,
    ) -> None:
        self.symbol = symbol
        self._strategy = strategy
        self._guard = guard
        self._required = tuple(required)
        self._window = max(1, window)
        self._vol_lookback = vol_lookback
        self._periods_per_year = periods_per_year
        self._has_features = type(strategy).features is not Strategy.features
        # the bar times: on the first batch a read-only view of the batch's own, later an
        # array that grows (as the raw fields below)
        self.ts_ns: array[int] | memoryview = array("q")
        # raw fields and features are compact columns of doubles (a quarter of the memory
        # of a list of floats): on the first batch the raw fields are read-only views of
        # the batch's own arrays (a backtest's one batch is not copied), from the second
        # on arrays of doubles, and the first batch can go
        self.columns: dict[str, Any] = {name: array("d") for name in RAW_FIELDS}
        self.trimmed = 0  # bars dropped from the front of a live history so far
        self._checked = False

    def extend(
        self, ts_ns: npt.NDArray[np.int64], raw: dict[str, FloatArray], *, compute: bool = True
    ) -> StrategyError | None:
        """Append new bars (time-sorted) and compute feature values for them.

        The arrays must not change afterwards: the first batch's raw fields are kept as
        views, not copied. A strategy error on the first batch is raised; on a later one it
        is returned, and the new rows get NaN in every feature column. ``compute=False``
        (a disabled strategy) appends the bars only: their features are NaN.
        """
        n_new = len(ts_ns)
        if n_new == 0:
            return None
        first = len(self.ts_ns) == 0
        ts_new = _frozen_view(ts_ns, np.int64)
        raw_new = {name: _frozen_view(raw[name], np.float64) for name in RAW_FIELDS}
        if not first:
            self._make_room()
        self._append_raw(ts_new, raw_new, first)
        window_ts, window_raw = (ts_new, raw_new) if first else self._window_rows(n_new)
        if not compute:
            self._pad_features(n_new)
            return None
        try:
            computed = self._compute(window_ts, window_raw)
        except StrategyError as exc:
            if first:  # the whole history of a backtest: the run cannot go on without it
                raise
            self._pad_features(n_new)
            return exc
        self._store_features(computed, n_new)
        if not self._checked:
            self._check_required()
            self._checked = True
        return None

    def _append_raw(self, ts_new: Any, raw_new: dict[str, Any], first: bool) -> None:
        """The new bars' times and raw fields: the first batch's as views, later copied."""
        if first:
            self.ts_ns = ts_new.data
        else:
            if isinstance(self.ts_ns, memoryview):  # the first batch's view: now it grows
                self.ts_ns = array("q", self.ts_ns.tobytes())
            self.ts_ns.frombytes(_bytes_of(ts_new))
        for name in RAW_FIELDS:
            values = raw_new[name]
            column = self.columns[name]
            if first:
                self.columns[name] = values.data
            else:
                if isinstance(column, memoryview):  # the first batch's view: now it grows
                    column = self.columns[name] = array("d", column.tobytes())
                column.frombytes(_bytes_of(values))

    def _window_rows(self, n_new: int) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """The new rows and the ``window`` bars before them: their times, and their raw
        fields as one block (a row a field), copied once from the history's columns."""
        start = max(0, len(self.ts_ns) - n_new - self._window)
        times = np.frombuffer(self.ts_ns, dtype=np.int64, offset=8 * start).copy()
        block = np.empty((len(RAW_FIELDS), len(times)), dtype=np.float64)
        for row, name in enumerate(RAW_FIELDS):
            block[row] = np.frombuffer(self.columns[name], dtype=np.float64, offset=8 * start)
        return times, block

    def _store_features(self, computed: dict[str, FloatArray], n_new: int) -> None:
        """The new rows' feature values, copied into compact arrays of doubles (8 bytes a
        value, not 32): what features() returned stays the strategy's, which could change it."""
        for name, values in computed.items():
            column = self.columns.get(name)
            if column is None:  # a column first seen now: NaN for the bars before it
                column = self.columns[name] = array("d", [np.nan]) * (len(self.ts_ns) - n_new)
            column.frombytes(_bytes_of(np.ascontiguousarray(values[-n_new:], dtype=np.float64)))

    def _make_room(self) -> None:
        """Before a later batch: past twice the window, keep only the last ``window`` bars
        (what the new rows' features and ``bar.prev`` read), so a history holds the window
        and one batch, not two batches. The first batch's views become arrays of their tail."""
        held = len(self.ts_ns)
        if held <= 2 * self._window:
            return
        cut = held - self._window
        if isinstance(self.ts_ns, memoryview):
            self.ts_ns = array("q", self.ts_ns[cut:].tobytes())
        else:
            del self.ts_ns[:cut]
        for name, column in self.columns.items():
            if isinstance(column, memoryview):
                self.columns[name] = array("d", column[cut:].tobytes())
            else:
                del column[:cut]
        self.trimmed += cut

    def _pad_features(self, n_new: int) -> None:
        """Give the new rows NaN in every feature column (their raw fields are in)."""
        for name, column in self.columns.items():
            if name not in RAW_FIELDS:
                column.extend(array("d", [np.nan]) * n_new)

    def _compute(self, ts_ns: npt.NDArray[np.int64],
                 raw: dict[str, FloatArray] | FloatArray) -> dict[str, FloatArray]:
        """The feature columns over ``raw``: the raw fields by name (a first batch's views)
        or as one block, a row a field in ``RAW_FIELDS`` order (a later batch's window)."""
        out: dict[str, FloatArray] = {}
        if self._vol_lookback is not None:
            close = raw["close"] if isinstance(raw, dict) else raw[_CLOSE_ROW]
            out[VOLATILITY_COLUMN] = np.asarray(
                annualised_volatility(close, self._vol_lookback, self._periods_per_year),
                dtype=np.float64,
            )
        if not self._has_features:
            return out
        # the same index pd.to_datetime(ts_ns, unit="ns", utc=True) builds, in a fifth the time
        index = pd.DatetimeIndex(
            np.ascontiguousarray(ts_ns, dtype=np.int64).view("M8[ns]"), dtype=_UTC_NS,
            name="timestamp",
        )
        # the columns may be read-only views of the batch: the strategy gets a shallow copy,
        # so an in-place write in features() copies the column first (copy-on-write) and
        # never reaches the batch, as it could not when the frame held copies. A block
        # makes a frame of one block, much cheaper to build than one of five columns.
        base = (pd.DataFrame(raw, index=index, copy=False) if isinstance(raw, dict)
                else pd.DataFrame(raw.T, index=index, columns=_RAW_NAMES, copy=False))
        frame = base.copy(deep=False)
        self._guard.active = True
        try:
            result = self._strategy.features(frame)
        except Exception as exc:
            raise StrategyError(
                f"features() of the strategy raised on {self.symbol}: {type(exc).__name__}: {exc}",
                hint="features(frame) must be vectorised pandas/numpy code over the given frame",
            ) from exc
        finally:
            self._guard.active = False
        del base  # kept alive until here: the copy-on-write above needs its reference
        if result is None:
            return out
        out.update(self._columns_of(result, len(ts_ns)))
        return out

    def _columns_of(self, result: object, rows: int) -> dict[str, FloatArray]:
        if not isinstance(result, pd.DataFrame):
            raise StrategyError(
                f"features() must return a pandas DataFrame or None, got {type(result).__name__}",
                hint="return pd.DataFrame({...}, index=frame.index)",
            )
        if len(result) != rows:
            raise StrategyError(
                f"features() returned {len(result)} rows for a frame of {rows} rows",
                hint="keep the input index: one output row per input row, no dropna()",
            )
        names = result.columns.tolist()
        all_text = all(type(name) is str for name in names)
        if not (len(set(names)) == len(names) if all_text else result.columns.is_unique):
            twice = sorted({str(name) for name in result.columns[result.columns.duplicated()]})
            raise StrategyError(
                f"features() returned the column(s) {twice} more than once",
                hint="give each feature column its own name",
            )
        if all_text and _all_doubles(result):  # the usual frame: its values as one block
            return _block_columns(result, names)
        columns: dict[str, FloatArray] = {}
        for name, values in result.items():  # by position: no look-up of each name
            if not isinstance(name, str):
                raise _refused_name(name)
            _check_name(name)
            try:  # interned: on_bar's bar["name"] then finds it by identity, not by compare
                columns[sys.intern(name)] = values.to_numpy(dtype=np.float64)
            except (TypeError, ValueError) as exc:
                raise StrategyError(
                    f"feature column {name!r} is not numeric: {exc}",
                    hint="features must be numbers (floats, ints or bools)",
                ) from exc
        return columns

    def _check_required(self) -> None:
        missing = [f for f in self._required if f not in self.columns]
        if missing:
            raise DataValidationError(
                f"strategy requires field(s) {missing} for {self.symbol}, which are neither in "
                f"the data nor produced by features()",
                field="meta.required_fields",
                hint=f"available: {sorted(self.columns)}; compute them in features() or fix "
                "required_fields",
            )


def _check_name(name: str) -> None:
    """Refuse a feature column named as a raw field or the engine's own column."""
    if name in RAW_FIELDS or name == VOLATILITY_COLUMN:
        raise _refused_name(name)


def _refused_name(name: object) -> StrategyError:
    return StrategyError(
        f"features() returned a column named {name!r}, which is not allowed",
        hint=f"use a new string name; {list(RAW_FIELDS)} are the raw fields",
    )


def _all_doubles(frame: pd.DataFrame) -> bool:
    """Whether every column of ``frame`` holds numpy doubles (what ``features()`` usually
    returns: rolling statistics of the raw fields)."""
    return all(dtype == _DOUBLE for dtype in frame.dtypes.tolist())


def _block_columns(frame: pd.DataFrame, names: list[str]) -> dict[str, FloatArray]:
    """The columns of an all-double ``frame`` of string names (checked as in ``_columns_of``),
    read from one array of its values rather than a ``Series`` each."""
    for name in names:
        _check_name(name)
    values = frame.to_numpy(dtype=np.float64)
    return {sys.intern(name): values[:, k] for k, name in enumerate(names)}


def _frozen_view(values: npt.ArrayLike, dtype: type[np.generic]) -> Any:
    """``values`` as an array of ``dtype``, read-only; no copy when it already is one (a
    strided view of a merged batch stays one: its ``data`` indexes like a contiguous one)."""
    view = np.asarray(values, dtype=dtype).view()
    view.flags.writeable = False
    return view


def _bytes_of(values: npt.NDArray[Any]) -> memoryview:
    """The bytes of an array, without the copy ``tobytes()`` makes when it is contiguous."""
    return np.ascontiguousarray(values).data.cast("B")
