export { Button } from "./Button";
export type { ButtonProps } from "./Button";
export { default as ProductCard } from "./ProductCard";
