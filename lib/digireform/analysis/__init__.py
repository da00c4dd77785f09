"""Analyses of a loaded region: product catalogue matching (`catalogue`), shared products and
services (`overlap`, `network`, `candidates`), contract exit windows (`exit_windows`), welfare
needs and joint volumes (`welfare`), digital maturity, channels and targets (`maturity`,
`channels`, `targets`), survey results with small groups withheld (`survey`), the project
group's worklist (`worklist`) and weekly changes (`changes`); `options` holds the knobs of a
run (as-of date, k, tolerance, horizon).

May import: `digireform.model`, `digireform.io`, `digireform.validate` and other
`digireform.analysis` modules (the layer table is in `digireform`'s docstring).
Results are plain data (dicts, DataFrames), with three exceptions: `network.graph_figure` and
`network.similarity_figure` build plotly figures (plotly imported inside them, for the
notebooks), and `overlap.summary_text` is the Norwegian text `digireform overlap` prints.
Any other rendering is for `report`, `notebook`, `dashboard` and `tender`.
"""
