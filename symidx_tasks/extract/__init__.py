"""Pure extraction: source text -> public symbols, one module per language.

Nothing here touches files or result files; the package task's action
(``pipeline/action.py``) reads the sources and hands their text to
``extract.source.extract_source``. Importing this package loads nothing else:
discovery needs only ``languages`` (which file is which language), and a
no-op re-run should not load the parsers.
"""
