import { formatPrice } from "@shop/legacy-js";

/** One line of the cart: a product and how many of it. */
export interface CartLine {
  sku: string;
  quantity: number;
  unitPriceCents: number;
}

/** Where a cart is in its life cycle. */
export enum CartStatus {
  Open = "open",
  CheckingOut = "checking_out",
  Ordered = "ordered",
}

export type CartListener = (cart: Cart) => void;

/**
 * A shopping cart held in the browser until checkout.
 * Listeners are notified after every change.
 */
export class Cart {
  public status: CartStatus = CartStatus.Open;
  private lines: Map<string, CartLine> = new Map();
  #listeners: CartListener[] = [];

  constructor(public readonly currency: string) {}

  /** Adds `quantity` of a product, merging with an existing line. */
  addItem(sku: string, quantity: number, unitPriceCents: number): CartLine {
    const existing = this.lines.get(sku);
    const line = existing
      ? { ...existing, quantity: existing.quantity + quantity }
      : { sku, quantity, unitPriceCents };
    this.lines.set(sku, line);
    this.notify();
    return line;
  }

  removeItem(sku: string): boolean {
    const removed = this.lines.delete(sku);
    if (removed) this.notify();
    return removed;
  }

  /** Total in minor units (cents). */
  get totalCents(): number {
    let total = 0;
    for (const line of this.lines.values()) total += line.quantity * line.unitPriceCents;
    return total;
  }

  formattedTotal(): string {
    return formatPrice(this.totalCents, this.currency);
  }

  subscribe(listener: CartListener): () => void {
    this.#listeners.push(listener);
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  private notify(): void {
    for (const listener of this.#listeners) listener(this);
  }
}
