"""Cash paid into an account (a paper session's top-ups) in the equity curve and its returns.

The curve the run values from its fills (``running_equity``) knows no deposit. The account's
curve adds each deposit from its market time on (``with_deposits``): that is what the account
held. Its returns must not count a deposit as profit, so the statistics read the curve with
the deposits taken out as growth (``growth_curve``): at the time ``T`` of a deposit ``D``
the period's return is ``(E_T - D) / E_prev - 1`` (the loss that brought the account to
its floor), and every later point is scaled by ``(E_T - D) / E_T``; a time-weighted return,
as a fund reports it. PnL is then ``final equity - initial cash - deposits``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from vibetrading_V2.portfolio.equity import EquityCurve, FloatArray, IntArray, _frozen

__all__ = ["Deposits", "growth_curve", "paid_in", "with_deposits"]

Deposits = Sequence[tuple[int, float]]
"""Each deposit's market time (ns) and amount."""


def paid_in(ts_ns: IntArray, deposits: Deposits) -> FloatArray:
    """The cash paid in at or before each of ``ts_ns`` (sorted)."""
    times = np.array([t for t, _ in deposits], dtype=np.int64)
    amounts = np.array([a for _, a in deposits], dtype=np.float64)
    order = np.argsort(times, kind="stable")
    running = np.concatenate(([0.0], np.cumsum(amounts[order])))
    return running[np.searchsorted(times[order], ts_ns, side="right")]


def with_deposits(curve: EquityCurve, deposits: Deposits) -> EquityCurve:
    """The account's curve: ``curve`` (valued from the fills alone) with the cash paid in."""
    paid = paid_in(curve.ts_ns, deposits)
    return _frozen(curve.ts_ns, curve.cash + paid, curve.gross_exposure,
                   curve.equity + paid, curve.invested)


def growth_curve(account: EquityCurve, deposits: Deposits, initial_cash: float) -> FloatArray:
    """The account's equity with every deposit taken out as growth (see the module).

    A deposit before the curve's first point is measured against ``initial_cash``; one
    that met an equity at or below zero leaves nothing to grow (the curve stays at 0).
    """
    equity, ts = account.equity, account.ts_ns
    factor = np.ones(len(equity), dtype=np.float64)
    by_time: dict[int, float] = {}
    for t, amount in deposits:
        by_time[t] = by_time.get(t, 0.0) + amount
    for t, amount in sorted(by_time.items()):
        at = int(np.searchsorted(ts, t, side="right")) - 1
        after = float(equity[at]) if at >= 0 else initial_cash + amount
        kept = max(after - amount, 0.0)
        factor[max(at, 0):] *= kept / after if after > 0.0 else 0.0
    grown: FloatArray = equity * factor
    return grown
