"""Pure extraction: source text -> public symbols, one module per language.

Nothing here touches files or result files; the package task's action
(``pipeline/action.py``) reads the sources and hands their text to
``extract_source``.
"""
from .source import extract_source

__all__ = ["extract_source"]
