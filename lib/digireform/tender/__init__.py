"""Joint tender: requirement library, tender definitions, assembly and exports.

`requirements` loads the library, `definition` the tender file, `assembly` joins them to
the municipalities' data, `exports/` renders Word, Excel, Markdown and OCDS, and `build`
is the command `digireform tender build`.
"""
