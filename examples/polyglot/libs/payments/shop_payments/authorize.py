"""Charging on behalf of an API client: only a token with the payments scope may."""
from __future__ import annotations

from decimal import Decimal

from shop_auth import TokenError, verify_token
from shop_auth.tokens import Claims

from .processor import Receipt, process_payment

PAYMENTS_SCOPE = "payments:write"


def charge_with_token(token: str, secret: str, amount: Decimal, currency: str) -> Receipt:
    """Charges ``amount`` if ``token`` is valid and grants the payments scope."""
    claims: Claims = verify_token(token, secret)
    if PAYMENTS_SCOPE not in claims.scopes:
        raise TokenError(f"{claims.subject} may not charge customers")
    return process_payment(amount, currency)
