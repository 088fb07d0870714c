import type { CartLine } from "./cart";

const API_BASE = "/api/v1";

/** What the gateway answers to a checkout request. */
export interface CheckoutResponse {
  orderId: string;
  receiptUrl: string;
}

export type Currency = "EUR" | "USD" | "GBP";

/** Sends the cart to the gateway and returns the created order. */
export async function checkout(lines: CartLine[], currency: Currency): Promise<CheckoutResponse> {
  const response = await fetch(`${API_BASE}/checkout`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ lines, currency }),
  });
  return parseJson<CheckoutResponse>(response);
}

export const fetchProduct = async (sku: string): Promise<unknown> =>
  parseJson(await fetch(`${API_BASE}/products/${encodeURIComponent(sku)}`));

// Not exported: an implementation detail of this module.
async function parseJson<T>(response: Response): Promise<T> {
  if (!response.ok) throw new Error(`gateway answered ${response.status}`);
  return (await response.json()) as T;
}
