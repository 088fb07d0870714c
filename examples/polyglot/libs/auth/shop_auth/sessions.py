"""Server-side sessions for the storefront."""
from __future__ import annotations

import secrets
from typing import Protocol

SESSION_COOKIE = "shop_session"
MAX_SESSIONS_PER_USER = 5


class Backend(Protocol):
    async def get(self, key: str) -> dict | None: ...
    async def set(self, key: str, value: dict, ttl: int) -> None: ...
    async def delete(self, key: str) -> None: ...


class SessionStore:
    """Creates, loads and revokes sessions in a key-value backend."""

    def __init__(self, backend: Backend, ttl: int = 86400) -> None:
        self._backend = backend
        self.ttl = ttl

    async def create(self, user_id: str) -> str:
        session_id = self._new_id()
        await self._backend.set(self._key(session_id), {"user_id": user_id}, self.ttl)
        return session_id

    async def load(self, session_id: str) -> dict | None:
        return await self._backend.get(self._key(session_id))

    async def revoke(self, session_id: str) -> None:
        await self._backend.delete(self._key(session_id))

    @staticmethod
    def _new_id() -> str:
        return secrets.token_urlsafe(32)

    def _key(self, session_id: str) -> str:
        return f"session:{session_id}"


async def revoke_all(store: SessionStore, session_ids: list[str]) -> int:
    """Revokes every listed session; returns how many there were."""
    for session_id in session_ids:
        await store.revoke(session_id)
    return len(session_ids)
