"""Default cost / risk / sizing policies, the pure override merge and the one risk gate."""
