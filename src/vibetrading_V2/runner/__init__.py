"""The event loop and the one pipeline; consumes ports and the bundle contract only."""
