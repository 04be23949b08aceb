"""Execution adapters that need no venue: the bar-driven fill simulator."""

from vibetrading_V2.execution.config import FillTiming, SimulatorConfig
from vibetrading_V2.execution.simulator import Simulator

__all__ = ["FillTiming", "Simulator", "SimulatorConfig"]
