"""Signed access tokens (JWT) for API clients."""
from __future__ import annotations

import time
from dataclasses import dataclass

import jwt

DEFAULT_TTL_SECONDS = 900
ALGORITHM = "HS256"
_LEEWAY_SECONDS = 30


class TokenError(Exception):
    """A token that is malformed, expired or signed with another key."""


@dataclass(frozen=True)
class Claims:
    subject: str
    scopes: tuple[str, ...]
    expires_at: int


class TokenIssuer:
    """Issues short-lived access tokens for one signing key."""

    def __init__(self, secret: str, ttl_seconds: int = DEFAULT_TTL_SECONDS) -> None:
        self._secret = secret
        self.ttl_seconds = ttl_seconds

    def issue(self, subject: str, scopes: list[str]) -> str:
        """A token for ``subject`` granting ``scopes``."""
        now = int(time.time())
        payload = {"sub": subject, "scp": sorted(scopes), "iat": now, "exp": now + self.ttl_seconds}
        return jwt.encode(payload, self._secret, algorithm=ALGORITHM)

    def refresh(self, token: str) -> str:
        claims = verify_token(token, self._secret)
        return self.issue(claims.subject, list(claims.scopes))

    def _rotate(self, new_secret: str) -> None:
        # Private: key rotation goes through the admin service only.
        self._secret = new_secret


def verify_token(token: str, secret: str) -> Claims:
    """Decodes and checks a token; raises TokenError if it is not valid."""
    try:
        payload = jwt.decode(token, secret, algorithms=[ALGORITHM], leeway=_LEEWAY_SECONDS)
    except jwt.PyJWTError as exc:
        raise TokenError(str(exc)) from exc
    return Claims(payload["sub"], tuple(payload.get("scp", ())), payload["exp"])


def _now() -> int:
    return int(time.time())
