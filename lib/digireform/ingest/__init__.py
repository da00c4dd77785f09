"""Bringing outside files into the data: Excel/CSV inventories (`inventory`) and the blank
inventory workbook (`template`), SSB population tables (`population`), survey answers (`survey`).

May import: `digireform.model`, `digireform.io` and `digireform.sync` (every write goes
through the one save path there). Not analyses, tender, notebook or dashboard code.
"""
