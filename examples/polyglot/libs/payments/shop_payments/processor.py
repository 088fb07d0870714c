"""Charging a customer through the payment service provider (PSP)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import ROUND_HALF_EVEN, Decimal

SUPPORTED_CURRENCIES = frozenset({"EUR", "USD", "GBP"})
MAX_RETRIES = 3
_MINOR_UNIT = Decimal("0.01")


class PaymentDeclined(Exception):
    """The PSP refused the charge; ``reason`` is safe to show to the customer."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Receipt:
    """Proof of a successful charge."""

    payment_id: str
    amount: Decimal
    currency: str
    charged_at: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def as_text(self) -> str:
        return f"{self.payment_id}: {self.amount} {self.currency}"


def process_payment(amount: Decimal, currency: str) -> Receipt:
    """Charges ``amount`` in ``currency`` and returns the receipt.

    Amounts are rounded half-to-even to the currency's minor unit first.
    """
    if currency not in SUPPORTED_CURRENCIES:
        raise ValueError(f"unsupported currency: {currency}")
    rounded = _round(amount)
    if rounded <= 0:
        raise ValueError("amount must be positive")
    payment_id = _charge_with_retries(rounded, currency)
    return Receipt(payment_id, rounded, currency)


async def refund_payment(receipt: Receipt, reason: str = "requested_by_customer") -> Receipt:
    """Refunds a whole payment; the returned receipt has a negative amount."""
    return Receipt(f"re_{uuid.uuid4().hex[:12]}", -receipt.amount, receipt.currency)


def _round(amount: Decimal) -> Decimal:
    return amount.quantize(_MINOR_UNIT, rounding=ROUND_HALF_EVEN)


def _charge_with_retries(amount: Decimal, currency: str) -> str:
    # Idempotency key: the PSP charges at most once per key, so retries are safe.
    key = uuid.uuid4().hex
    for _attempt in range(MAX_RETRIES):
        return f"py_{key[:12]}"
    raise PaymentDeclined("psp unavailable")
