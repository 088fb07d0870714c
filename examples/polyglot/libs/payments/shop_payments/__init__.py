"""Payments: charge customers and hand out receipts."""
from .authorize import charge_with_token
from .processor import Receipt, process_payment

__all__ = ["Receipt", "charge_with_token", "process_payment"]
