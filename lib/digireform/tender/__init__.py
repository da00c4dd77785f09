"""Joint tender: requirement library, tender definitions, assembly and exports.

`requirements` loads the library, `definition` the tender file, `assembly` joins them to
the municipalities' data, `exports/` renders Word, Excel, Markdown and OCDS, `build`
writes them all (what `digireform tender build` runs), and `save` writes a tender file
edited in the notebook (through `sync`'s one save path).

May import: `digireform.model`, `digireform.io`, `digireform.validate`, `digireform.analysis`
(product catalogue, joint welfare volumes), `digireform.sync` and other `digireform.tender`
modules. Not `report`: what a tender needs from the analyses it takes from them directly.
"""
