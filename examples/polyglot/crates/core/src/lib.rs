//! Domain model shared by every Rust service of the shop.

pub mod catalog;

use serde::{Deserialize, Serialize};

/// Smallest currency unit (cents) for all monetary amounts.
pub type Cents = i64;

/// Maximum number of lines one order may hold.
pub const MAX_ORDER_LINES: usize = 200;

/// An amount of money in a given currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub amount: Cents,
    pub currency: Currency,
}

/// Currencies the shop sells in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Currency {
    Eur,
    Usd,
    Gbp,
}

#[derive(Debug, thiserror::Error)]
pub enum MoneyError {
    #[error("cannot add {0:?} to {1:?}")]
    CurrencyMismatch(Currency, Currency),
}

impl Money {
    /// Creates an amount; negative amounts are refunds.
    pub fn new(amount: Cents, currency: Currency) -> Self {
        Money { amount, currency }
    }

    /// Adds two amounts of the same currency.
    pub fn checked_add(self, other: Money) -> Result<Money, MoneyError> {
        if self.currency != other.currency {
            return Err(MoneyError::CurrencyMismatch(self.currency, other.currency));
        }
        Ok(Money::new(self.amount + other.amount, self.currency))
    }

    pub(crate) fn is_refund(&self) -> bool {
        self.amount < 0
    }
}

/// Anything that has a price.
pub trait Priced {
    fn price(&self) -> Money;

    fn is_free(&self) -> bool {
        self.price().amount == 0
    }
}

// Private: rounding policy is an implementation detail.
fn round_half_even(value: f64) -> Cents {
    let rounded = value.round();
    if (value - value.trunc()).abs() == 0.5 && rounded as i64 % 2 != 0 {
        (rounded - value.signum()) as Cents
    } else {
        rounded as Cents
    }
}

/// Applies a percentage discount, rounding half to even.
pub fn apply_discount(price: Money, percent: u8) -> Money {
    let factor = 1.0 - f64::from(percent.min(100)) / 100.0;
    Money::new(round_half_even(price.amount as f64 * factor), price.currency)
}
