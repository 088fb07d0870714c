"""Customer authentication for the shop's Python services."""
from .sessions import SessionStore
from .tokens import TokenIssuer, verify_token

__all__ = ["SessionStore", "TokenIssuer", "verify_token"]
__version__ = "0.5.1"
