//! `shop`: the operator command line.

use shop_core::catalog::Catalog;
use shop_core::{apply_discount, Currency, Money};

/// Exit code when the catalog file cannot be parsed.
pub const EXIT_BAD_INPUT: i32 = 65;

/// One row of a catalog CSV import.
pub struct ImportRow {
    pub sku: String,
    pub title: String,
    pub cents: i64,
}

/// Parses `sku,title,cents` lines; bad lines are reported, not fatal.
pub fn parse_rows(input: &str) -> (Vec<ImportRow>, Vec<String>) {
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (n, line) in input.lines().enumerate() {
        match split_row(line) {
            Some(row) => rows.push(row),
            None => errors.push(format!("line {}: expected sku,title,cents", n + 1)),
        }
    }
    (rows, errors)
}

fn split_row(line: &str) -> Option<ImportRow> {
    let mut parts = line.splitn(3, ',');
    let sku = parts.next()?.trim().to_owned();
    let title = parts.next()?.trim().to_owned();
    let cents = parts.next()?.trim().parse().ok()?;
    Some(ImportRow { sku, title, cents })
}

fn main() {
    let input = std::fs::read_to_string("catalog.csv").unwrap_or_default();
    let discount = std::env::var("SHOP_DISCOUNT").ok().and_then(|d| d.parse().ok()).unwrap_or(0);
    let (rows, errors) = parse_rows(&input);
    let mut catalog = Catalog::new();
    for row in rows {
        let price = Money::new(row.cents, Currency::Eur);
        catalog.upsert(&row.sku, &row.title, apply_discount(price, discount));
    }
    for error in &errors {
        eprintln!("{error}");
    }
    println!("imported {} products", catalog.len());
    if !errors.is_empty() {
        std::process::exit(EXIT_BAD_INPUT);
    }
}
