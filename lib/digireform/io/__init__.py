"""Reading and writing files, and nothing more: where the data is (`paths`), text decoding and
strict CSV with physical line numbers (`textio`), YAML with line numbers (`yamlio`), the CSV
tables as text (`tables`), atomic writes (`atomic`) and git, the data's history (`git`: the
one place that runs it).

May import: `digireform.model` and other `digireform.io` modules. Checking values is
`digireform.validate`'s; locking and merging a save is `digireform.sync`'s.
"""
