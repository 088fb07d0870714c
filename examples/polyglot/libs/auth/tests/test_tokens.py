"""Tests live in tests/: listed in the index, never parsed for API."""
import pytest

from shop_auth.tokens import TokenError, TokenIssuer, verify_token


def test_round_trip():
    issuer = TokenIssuer("secret")
    claims = verify_token(issuer.issue("user-1", ["orders:read"]), "secret")
    assert claims.subject == "user-1"


def test_wrong_key_is_rejected():
    token = TokenIssuer("secret").issue("user-1", [])
    with pytest.raises(TokenError):
        verify_token(token, "other")
