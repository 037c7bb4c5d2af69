"""The shared intake: inspect a file before any parser touches it, then read it into grids of
values with merged ranges (and evaluate formulas saved without their results)."""
