"""OAuth login providers for shop-auth."""
from .provider import GOOGLE, OAuthProvider, exchange_code

__all__ = ["GOOGLE", "OAuthProvider", "exchange_code"]
