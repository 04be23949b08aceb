"""Execution adapters that need no venue: the bar-driven fill simulator, and
``deferred_gateway.DeferredGateway``, a fake venue for tests that fills orders later."""

from vibetrading_V2.execution.config import FillTiming, SimulatorConfig
from vibetrading_V2.execution.simulator import Simulator

__all__ = ["FillTiming", "Simulator", "SimulatorConfig"]
