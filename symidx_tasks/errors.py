"""Every error symidx raises on purpose, under one base class.

A caller that only wants "symidx could not do it, here is why in one line"
catches ``SymidxError``; the subclasses say which stage refused.
"""
from __future__ import annotations


class SymidxError(Exception):
    """Base of symidx's own errors; the message is one line meant for a person."""


class ConfigError(SymidxError, ValueError):
    """An invalid symidx configuration; the message names file, key and expectation."""


class ManifestError(SymidxError):
    """A manifest that cannot be read or understood (becomes a package warning)."""


class ResultError(SymidxError, ValueError):
    """A result file that is missing, truncated, of another format or inconsistent."""


class DatabaseError(SymidxError):
    """The index database cannot be used: missing, foreign, damaged or locked."""


class QueryError(SymidxError):
    """A question the index cannot answer as asked (unknown or ambiguous package,
    unknown file, no path...)."""


class InvalidArgument(QueryError):
    """A limit, offset, depth or other argument out of range."""


class UsageError(SymidxError):
    """A command used wrongly (bad option combination, missing directory...)."""
