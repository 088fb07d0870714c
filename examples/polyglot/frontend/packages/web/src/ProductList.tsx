import { Button, ProductCard } from "@shop/ui";
import { formatPrice } from "@shop/legacy-js";
import { Cart } from "./cart";

/** A catalog entry as the storefront lists it. */
export interface Listing {
  sku: string;
  title: string;
  cents: number;
  stock: number;
}

/** The catalog grid, each tile adding to the cart, and a button that empties it. */
export function ProductList({ cart, listings }: { cart: Cart; listings: Listing[] }) {
  return (
    <section className="product-list">
      {listings.map((item) => (
        <ProductCard
          key={item.sku}
          product={{ sku: item.sku, title: item.title, priceLabel: formatPrice(item.cents, cart.currency) }}
          inStock={item.stock > 0}
          onAdd={(sku) => cart.addItem(sku, 1, item.cents)}
        />
      ))}
      <Button variant="secondary" onClick={() => cart.removeItem(listings[0]?.sku ?? "")}>
        Remove first
      </Button>
    </section>
  );
}
