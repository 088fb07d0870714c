//! The product catalog as the services see it.

use std::collections::BTreeMap;

use crate::{Money, Priced};

/// A sellable product.
#[derive(Debug, Clone)]
pub struct Product {
    pub sku: String,
    pub title: String,
    price: Money,
}

impl Priced for Product {
    fn price(&self) -> Money {
        self.price
    }
}

/// In-memory catalog, keyed by SKU.
#[derive(Debug, Default)]
pub struct Catalog {
    products: BTreeMap<String, Product>,
}

impl Catalog {
    pub fn new() -> Self {
        Self::default()
    }

    /// Inserts or replaces a product; returns the previous one.
    pub fn upsert(&mut self, sku: &str, title: &str, price: Money) -> Option<Product> {
        let product = Product { sku: sku.to_owned(), title: title.to_owned(), price };
        self.products.insert(sku.to_owned(), product)
    }

    pub fn get(&self, sku: &str) -> Option<&Product> {
        self.products.get(sku)
    }

    pub fn len(&self) -> usize {
        self.products.len()
    }
}
