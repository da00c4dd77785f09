"""Checking the data: the CSV tables against schema.yaml (`tables`), kommune.yaml (`profile`),
the stored survey.csv (`survey`), and loading a whole region checked (`region.load`,
`load_valid`, `validate`). The hand-written YAML files (kommune.yaml, tender definitions,
requirement library, product catalogue) are checked against their JSON Schemas in
model/data/schemas/ by `schema`, which says each error as FILE:LINE: felt: melding.

May import: `digireform.model`, `digireform.io` and other `digireform.validate` modules.
Problems are collected as `Problem`s (FILE:LINE: felt: melding), never raised at the user
for bad data; nothing here writes.
"""
