"""Exit codes for typed errors: one mapping shared by every command."""

from __future__ import annotations

from vibetrading_V2.core.errors import UserInputError, VibeTradingError

__all__ = ["EXIT_INTERNAL", "EXIT_USER_INPUT", "exit_code_for"]

EXIT_USER_INPUT = 2
EXIT_INTERNAL = 1


def exit_code_for(error: VibeTradingError) -> int:
    """2 when the user can fix it (strategy, config, data), 1 for anything else of ours."""
    return EXIT_USER_INPUT if isinstance(error, UserInputError) else EXIT_INTERNAL
