import { describe, expect, it } from "vitest";
import { Cart } from "./cart";

// Test files are listed in the index but not parsed for API.
describe("Cart", () => {
  it("merges lines of the same product", () => {
    const cart = new Cart("EUR");
    cart.addItem("SKU-1", 1, 500);
    cart.addItem("SKU-1", 2, 500);
    expect(cart.totalCents).toBe(1500);
  });
});
