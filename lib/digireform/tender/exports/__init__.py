"""Renderers of an assembled tender: Word, Excel, Markdown and OCDS.

Word and Markdown render the same block list (`content.blocks`), so the file reviewed in
git says exactly what the document sent to suppliers says.
"""
