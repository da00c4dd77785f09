"""The data model: what the files mean, independent of where they are read from.

Field specifications and code lists (`schema`, from `data/schema.yaml`), the register of
municipalities and counties (`register`), EEA thresholds (`thresholds`), the one typed-value
parser (`values`), the one number and money formatter (`formatting`), problems and errors
(`errors`), the rule for what is confidential (`privacy`), the domain rules every view
shares (`rules`: welfare gap and surplus, the planning horizon) and calendar arithmetic
(`dates`: a date plus months or years), the loaded region and its file names (`region`),
rows of a table and which row is which in two versions (`rows`), and the one way to read
the package's own files (`resources`). `data/` holds the dated code lists, catalogues and
rules these read.

May import: the standard library, pandas, yaml, and other `digireform.model` modules.
Nothing here reads a municipality's folder or writes a file.
"""
