"""Bringing outside files into the data: Excel/CSV inventories (`inventory`, reading the sheet
with `sheets`, matching headers to fields with `columns`, converting each cell with `cells`)
and the blank inventory workbook (`template`), SSB population tables (`population`), survey
answers (`survey`).

May import: `digireform.model`, `digireform.io`, `digireform.validate`, `digireform.sync`
(every write goes through the one save path there) and other `digireform.ingest` modules.
Not analyses, tender, notebook or dashboard code; the commands that call these are in `cli`.
"""
