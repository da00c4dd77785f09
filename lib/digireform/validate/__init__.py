"""Checking the data: the CSV tables against schema.yaml (`tables`), kommune.yaml (`profile`),
the stored survey.csv (`survey`), and loading a whole region checked (`region.load`,
`load_valid`, `validate`).

May import: `digireform.model`, `digireform.io` and other `digireform.validate` modules.
Problems are collected as `Problem`s (FILE:LINE: felt: melding), never raised at the user
for bad data; nothing here writes.
"""
