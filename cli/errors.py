"""Exit codes of the commands: one mapping shared by every command.

0 ok; 1 an internal error; 2 a user input, config or data error (the message names the
file, the field and the fix); 3 the backtest ran and wrote its outputs but traded nothing
useful: the strategy was disabled, every intent was vetoed, or the run saw no bars.
"""

from __future__ import annotations

from rich.console import Console

from vibetrading_V2.core.errors import UserInputError, VibeTradingError

__all__ = [
    "EXIT_INTERNAL",
    "EXIT_NOTHING_TRADED",
    "EXIT_OK",
    "EXIT_USER_INPUT",
    "exit_code_for",
    "print_error",
]

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_USER_INPUT = 2
EXIT_NOTHING_TRADED = 3


def exit_code_for(error: VibeTradingError) -> int:
    """2 when the user can fix it (strategy, config, data), 1 for anything else of ours."""
    return EXIT_USER_INPUT if isinstance(error, UserInputError) else EXIT_INTERNAL


def print_error(error: VibeTradingError, console: Console) -> int:
    """Print a typed error as the commands do (its class, then its text); its exit code."""
    console.print(f"[bold red]error:[/] {type(error).__name__}", highlight=False)
    console.print(str(error), markup=False, highlight=False)
    return exit_code_for(error)
