"""Analyses of a loaded region: product catalogue matching (`catalogue`), shared products and
services (`overlap`, `network`, `candidates`), contract exit windows (`exit_windows`), welfare
needs and joint volumes (`welfare`), digital maturity, channels and targets (`maturity`,
`channels`, `targets`), the project group's worklist (`worklist`) and weekly changes (`changes`).

May import: `digireform.model`, `digireform.io` and other `digireform.analysis` modules.
Results are plain data (dicts, DataFrames); rendering them is for `report`, `notebook`,
`dashboard` and `tender`.
"""
