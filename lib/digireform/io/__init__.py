"""Reading and writing files: text decoding and strict CSV (`textio`), YAML with line numbers
(`yamlio`), the region's folders and their loading and checking (`store`).

May import: `digireform.model` and other `digireform.io` modules. Knows nothing about
analyses, tenders or user interfaces.
"""
