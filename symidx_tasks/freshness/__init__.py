"""How current an index is compared with the tree it was built from.

The read side proper (``symidx_tasks.query``) answers from the database alone;
this package also looks at the indexed tree (file listing, stat, git).
"""
from __future__ import annotations

from .staleness import index_status, staleness

__all__ = ["index_status", "staleness"]
