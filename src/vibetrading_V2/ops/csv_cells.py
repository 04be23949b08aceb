"""CSV cells rendered a column at a time into byte matrices, and rows joined in one pass.

Why it exists: a million-row ``equity.csv`` written one Python ``format`` call per cell
takes seconds and hundreds of megabytes of short-lived strings. Here a column of a chunk
becomes an ``n x width`` matrix of bytes, NUL after each row's text, built with numpy
arithmetic; a chunk's lines are the side-by-side matrices with the NULs taken out. The
text is exactly what the per-value rules of :mod:`vibetrading_V2.ops.csv_writer` give:

- floats as ``format(x, ".15g")``: the 15 significant digits are the correctly rounded
  (half to even) digits of the exact binary value, found from an error-free product
  ``|x| * 10**k = p + err`` (Dekker's two-product; every ``10**k`` used is exact). Values
  outside ``[1e-4, 1e15)`` (``%g`` writes them with an exponent, as it does a value that
  rounds up to ``1e15``) and infinities are formatted by Python itself; NaN is an empty cell. A run
  of equal values (a flat position's cash) is spelled once
- times as ISO-8601 UTC in the unit given (``2024-01-01T00:00:00Z``), the civil date from
  the day number by the usual era arithmetic; NaT is an empty cell
- text as given, quoted (RFC 4180) when it holds a comma, a quote, a CR or an LF
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import numpy.typing as npt

__all__ = ["Cells", "float_cells", "join_rows", "text_cells", "time_cells", "time_unit"]

ByteMatrix = npt.NDArray[np.uint8]
IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
TimeUnit = Literal["s", "ms", "us", "ns"]


@dataclass(frozen=True, slots=True)
class Cells:
    """One column of a chunk: row ``i``'s text (UTF-8) is ``matrix[i, :lengths[i]]`` and
    the rest of the row is NUL. ``nul_free`` is false when some text itself holds a NUL
    (the rows are then cut by their lengths, which is slower). With ``rows``, the chunk's
    row ``i`` is row ``rows[i]`` of ``spelled`` (a value spelled once for many rows)."""

    spelled: ByteMatrix
    spelled_lengths: IntArray
    nul_free: bool = True
    rows: npt.NDArray[np.intp] | None = None

    @property
    def matrix(self) -> ByteMatrix:
        return self.spelled if self.rows is None else self.spelled[self.rows]

    @property
    def lengths(self) -> IntArray:
        return self.spelled_lengths if self.rows is None else self.spelled_lengths[self.rows]

    @property
    def width(self) -> int:
        return int(self.spelled.shape[1])

    def take(self, rows: npt.NDArray[np.intp]) -> Cells:
        """These cells' ``rows`` (each in range, none negative), in that order."""
        chosen = rows if self.rows is None else self.rows[rows]
        return Cells(self.spelled, self.spelled_lengths, self.nul_free, chosen)

    def write_into(self, out: ByteMatrix) -> None:
        """Copy the chunk's rows into ``out`` (a slice of the chunk's table)."""
        if self.rows is None:
            out[...] = self.spelled
        else:
            np.take(self.spelled, self.rows, axis=0, out=out, mode="clip")


NAT: Final = np.iinfo(np.int64).min
_UNIT_STEP: Final[dict[TimeUnit, int]] = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
_SPLIT: Final = 134_217_729.0  # 2**27 + 1: Veltkamp's splitter for doubles
_POW10: Final = np.array([10.0**k for k in range(19)])  # each an exact double
_DIGITS: Final = 15
_FAST_LOW: Final = 1e-4  # below it %g writes an exponent: such values go to Python
_FAST_HIGH: Final = 999_999_999_999_999.5  # from here on %.15g rounds to 1e+15
_FLOAT_WIDTH: Final = 21  # "-0.000" and 15 digits
# "00" .. "99" as 16-bit words, so that one look-up writes two characters
_PAIRS: Final = np.frombuffer(
    "".join(f"{i:02d}" for i in range(100)).encode("ascii"), dtype=np.uint16
)


def _split(a: FloatArray) -> tuple[FloatArray, FloatArray]:
    c = _SPLIT * a
    high = c - (c - a)
    return high, a - high


_POW10_HIGH, _POW10_LOW = _split(_POW10)


def _scaled(a: FloatArray, k: IntArray) -> tuple[FloatArray, FloatArray]:
    """``a * 10**k`` as ``p + err`` exactly (no overflow or underflow in this range)."""
    p = a * _POW10[k]
    a_high, a_low = _split(a)
    b_high, b_low = _POW10_HIGH[k], _POW10_LOW[k]
    err = ((a_high * b_high - p) + a_high * b_low + a_low * b_high) + a_low * b_low
    return p, err


def _digits(a: FloatArray) -> tuple[IntArray, IntArray]:
    """15 correctly rounded significant digits (an int in [1e14, 1e15]) and the exponent
    of ``a`` in ``[1e-4, 1e15)``."""
    exponent = np.floor(np.log10(a)).astype(np.int64)
    np.clip(exponent, -4, 14, out=exponent)
    p, err = _scaled(a, 14 - exponent)
    for _ in range(3):  # log10 may be one off next to a power of ten
        low = (p < 1e14) | ((p == 1e14) & (err < 0))
        high = (p > 1e15) | ((p == 1e15) & (err >= 0))
        if not (low.any() or high.any()):
            break
        exponent += high.astype(np.int64) - low.astype(np.int64)
        p, err = _scaled(a, 14 - exponent)
    whole = np.floor(p)
    above_half = (p - whole - 0.5) + err  # its sign is exact: both terms are exact
    digits = whole.astype(np.int64)
    digits += (above_half > 0) | ((above_half == 0) & (digits % 2 == 1))
    return digits, exponent


def _digit_chars(digits: IntArray) -> ByteMatrix:
    """The 15 decimal characters of each of ``digits`` (ints below 1e15, zero-padded)."""
    chars = np.empty((len(digits), 16), dtype=np.uint8)
    words = chars.view(np.uint16)
    rest = digits
    for j in range(7, -1, -1):
        rest, pair = np.divmod(rest, 100)
        words[:, j] = _PAIRS[pair]
    return chars[:, 1:]


def _layout(exponent: int, negative: bool) -> list[int]:
    """Source columns that spell a value with all 15 digits written (0-14: the digits,
    15: "0", 16: ".", 17: "-"); a row's length then cuts off its trailing zeros."""
    sign = [17] if negative else []
    if exponent >= 0:
        return [*sign, *range(exponent + 1), 16, *range(exponent + 1, _DIGITS)]
    return [*sign, 15, 16, *[15] * (-exponent - 1), *range(_DIGITS)]


def _runs(columns: list[int]) -> list[tuple[int, int, int]]:
    """``columns`` as runs of consecutive source columns: (where, first, how many)."""
    runs: list[tuple[int, int, int]] = []
    for at, column in enumerate(columns):
        if runs and column == runs[-1][1] + runs[-1][2] and column != 15:
            runs[-1] = (runs[-1][0], runs[-1][1], runs[-1][2] + 1)
        else:
            runs.append((at, column, 1))
    return runs


def _fixed(x: FloatArray) -> tuple[ByteMatrix, IntArray]:
    """``%.15g`` text of values whose magnitude lies in ``[1e-4, 1e15)``."""
    digits, exponent = _digits(np.abs(x))
    carried = digits == 10**_DIGITS
    digits[carried] = 10 ** (_DIGITS - 1)
    exponent += carried
    source = np.empty((len(x), _DIGITS + 3), dtype=np.uint8)
    source[:, :_DIGITS] = _digit_chars(digits)
    source[:, _DIGITS:] = np.frombuffer(b"0.-", dtype=np.uint8)
    kept = _DIGITS - np.argmax(source[:, _DIGITS - 1 :: -1] != ord("0"), axis=1)
    negative = np.signbit(x)
    # sign, the whole part (at least "0"), then "." and the kept fraction digits if any
    fraction = np.maximum(kept - exponent - 1, 0)
    lengths = negative + np.maximum(exponent + 1, 1) + fraction + (fraction > 0)
    matrix = np.zeros((len(x), _FLOAT_WIDTH), dtype=np.uint8)
    key = (exponent + 4) * 2 + negative
    codes = np.flatnonzero(np.bincount(key, minlength=38)).tolist()
    for code in codes:  # one or two in a column of similar values
        if len(codes) == 1:
            into, picked = matrix, source
        else:
            rows = np.flatnonzero(key == code)
            into, picked = np.zeros((len(rows), _FLOAT_WIDTH), dtype=np.uint8), source[rows]
        for at, start, length in _runs(_layout(code // 2 - 4, bool(code % 2))):
            into[:, at : at + length] = picked[:, start : start + length]
        if len(codes) > 1:
            matrix[rows] = into
    np.multiply(matrix, np.arange(_FLOAT_WIDTH) < lengths[:, None], out=matrix)  # NULs
    return matrix[:, : int(lengths.max(initial=0))], lengths.astype(np.int64)


def _spelled(x: FloatArray) -> Cells:
    """``float_cells`` without looking for runs of equal values."""
    a = np.abs(x)
    fast = (a >= _FAST_LOW) & (a < _FAST_HIGH)
    if fast.all():
        return Cells(*_fixed(x))
    matrix = np.zeros((len(x), _FLOAT_WIDTH), dtype=np.uint8)
    lengths = np.zeros(len(x), dtype=np.int64)
    rows = np.flatnonzero(fast)
    spelled, lengths[rows] = _fixed(x[rows])
    matrix[rows, : spelled.shape[1]] = spelled
    zero = np.flatnonzero(x == 0.0)
    minus_zero = np.signbit(x[zero])
    matrix[zero, 0] = np.where(minus_zero, ord("-"), ord("0"))
    matrix[zero, 1] = np.where(minus_zero, ord("0"), 0)
    lengths[zero] = 1 + minus_zero
    others = np.flatnonzero(~fast & (x != 0.0) & ~np.isnan(x))
    return _with_texts(matrix, lengths, others, [format(v, ".15g") for v in x[others].tolist()])


def float_cells(values: FloatArray) -> Cells:
    """``format(x, ".15g")`` of every value, NaN as an empty cell."""
    x = np.asarray(values, dtype=np.float64)
    bits = x.view(np.int64)  # -0.0 and 0.0 are different texts
    starts = np.flatnonzero(np.concatenate(([True], bits[1:] != bits[:-1])))
    if len(starts) > 0.8 * len(x):
        return _spelled(x)
    run = np.repeat(np.arange(len(starts)), np.diff(starts, append=len(x)))
    return _spelled(x[starts]).take(run)


def _with_texts(matrix: ByteMatrix, lengths: IntArray, rows: IntArray,
                texts: list[str]) -> Cells:
    """``matrix`` with ``texts`` written into ``rows`` (widened if one is longer)."""
    if not texts:
        return Cells(matrix, lengths)
    block = text_cells(texts, quote=False)
    width = block.matrix.shape[1]
    if width > matrix.shape[1]:
        matrix = np.pad(matrix, ((0, 0), (0, width - matrix.shape[1])))
    matrix[rows, :width] = block.matrix
    lengths[rows] = block.lengths
    return Cells(matrix, lengths, block.nul_free)


def time_unit(ns: IntArray) -> TimeUnit:
    """The coarsest of s / ms / us / ns that writes every (non-NaT) time exactly."""
    valid = ns[ns != NAT]
    for unit, step in _UNIT_STEP.items():
        if step == 1 or not np.any(valid % step):
            return unit
    return "ns"  # pragma: no cover - the loop always returns


def _civil(days: IntArray) -> tuple[IntArray, IntArray, IntArray]:
    """Year, month and day of day numbers (days since 1970-01-01, proleptic Gregorian)."""
    z = days + 719_468
    era = z // 146_097
    day_of_era = z - era * 146_097
    year_of_era = (day_of_era - day_of_era // 1460 + day_of_era // 36_524
                   - day_of_era // 146_096) // 365
    day_of_year = day_of_era - (365 * year_of_era + year_of_era // 4 - year_of_era // 100)
    shifted_month = (5 * day_of_year + 2) // 153
    day = day_of_year - (153 * shifted_month + 2) // 5 + 1
    month = np.where(shifted_month < 10, shifted_month + 3, shifted_month - 9)
    return year_of_era + era * 400 + (month <= 2), month, day


def time_cells(ns: IntArray, unit: TimeUnit) -> Cells:
    """ISO-8601 UTC text of nanosecond times, ``unit`` fractional digits; NaT empty."""
    ns = np.asarray(ns, dtype=np.int64)
    fraction_digits = {"s": 0, "ms": 3, "us": 6, "ns": 9}[unit]
    width = 20 + (fraction_digits + 1 if fraction_digits else 0)
    missing = ns == NAT
    days, in_day = np.divmod(np.where(missing, 0, ns), 86_400 * 10**9)
    year, month, day = _civil(days)
    seconds, sub = np.divmod(in_day, 10**9)
    minutes, second = np.divmod(seconds, 60)
    hour, minute = np.divmod(minutes, 60)
    matrix = np.empty((len(ns), width + 1), dtype=np.uint8)  # one spare NUL column
    matrix[:] = np.frombuffer(b"0000-00-00T00:00:00.000000000"[: width - 1] + b"Z\0",
                              dtype=np.uint8)
    # two characters a look-up: 16-bit words at even (and, shifted by one, odd) columns
    even, odd = matrix[:, 0:20].view(np.uint16), matrix[:, 1:21].view(np.uint16)
    even[:, 0], even[:, 1] = _PAIRS[year // 100], _PAIRS[year % 100]
    odd[:, 2], even[:, 4] = _PAIRS[month], _PAIRS[day]
    odd[:, 5], even[:, 7], odd[:, 8] = _PAIRS[hour], _PAIRS[minute], _PAIRS[second]
    rest = sub // _UNIT_STEP[unit]
    for column in range(19 + fraction_digits, 19, -1):
        rest, digit = np.divmod(rest, 10)
        matrix[:, column] = digit + ord("0")
    matrix[missing] = 0
    return Cells(matrix[:, :width], np.where(missing, 0, width).astype(np.int64))


def _quoted(text: str) -> str:
    if "," in text or '"' in text or "\n" in text or "\r" in text:
        return '"' + text.replace('"', '""') + '"'
    return text


def text_cells(texts: Sequence[str], *, quote: bool = True) -> Cells:
    """Cells of already-rendered text, quoted where CSV needs it (if ``quote``)."""
    encoded = [(_quoted(t) if quote else t).encode("utf-8") for t in texts]
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    width = int(lengths.max(initial=0))
    nul_free = not any(b"\0" in b for b in encoded)
    if width == 0:
        return Cells(np.zeros((len(encoded), 0), dtype=np.uint8), lengths, nul_free)
    matrix = np.array(encoded, dtype=f"S{width}").view(np.uint8)
    return Cells(matrix.reshape(len(encoded), width), lengths, nul_free)


def join_rows(columns: Sequence[Cells]) -> bytes:
    """The CSV lines of a chunk: each row's cells joined by commas, ``\\n`` after each."""
    if not columns:
        return b""
    if len(columns) == 1:
        columns = [_lone_field(columns[0])]
    n = len(columns[0].lengths) if columns[0].rows is None else len(columns[0].rows)
    table = np.empty((n, sum(cells.width + 1 for cells in columns)), dtype=np.uint8)
    at = 0
    for cells in columns:
        cells.write_into(table[:, at : at + cells.width])
        at += cells.width + 1
        table[:, at - 1] = ord(",")
    table[:, -1] = ord("\n")
    if all(cells.nul_free for cells in columns):
        flat = table.ravel()
        text: bytes = flat[flat != 0].tobytes()
        return text
    masks: list[npt.NDArray[np.bool_]] = []
    for cells in columns:
        masks += [np.arange(cells.width) < cells.lengths[:, None], np.ones((n, 1), np.bool_)]
    return table[np.hstack(masks)].tobytes()


def _lone_field(cells: Cells) -> Cells:
    """A one-column row whose field is empty is written as ``""`` (as the csv module does)."""
    empty = cells.lengths == 0
    if not empty.any():
        return cells
    matrix = np.pad(cells.matrix, ((0, 0), (0, max(0, 2 - cells.matrix.shape[1]))))
    matrix[empty, :2] = ord('"')
    return Cells(matrix, np.where(empty, 2, cells.lengths), cells.nul_free)
