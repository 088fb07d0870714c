"""Payments: charge customers and hand out receipts."""
from .processor import Receipt, process_payment

__all__ = ["Receipt", "process_payment"]
