/**
 * Public entry point of the storefront package.
 * Re-exports are indexed where they are declared, not here.
 */
export { Cart } from "./cart";
export type { CartLine } from "./cart";
export * from "./api";

/** Semantic version of the storefront bundle, shown in the footer. */
export const STOREFRONT_VERSION = "2.3.0";

/** Whether the given feature flag is on for this visitor. */
export function isFeatureEnabled(flag: string, flags: ReadonlySet<string>): boolean {
  return flags.has(flag) || flags.has("*");
}
