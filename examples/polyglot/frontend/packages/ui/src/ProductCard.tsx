import { Button } from "./Button";

export interface Product {
  sku: string;
  title: string;
  priceLabel: string;
  imageUrl?: string;
}

/** A product tile in listings; the add button is disabled when out of stock. */
export default function ProductCard(props: { product: Product; inStock: boolean; onAdd: (sku: string) => void }) {
  const { product, inStock, onAdd } = props;
  return (
    <article className="product-card">
      {product.imageUrl && <img src={product.imageUrl} alt={product.title} />}
      <h3>{product.title}</h3>
      <p>{product.priceLabel}</p>
      <Button disabled={!inStock} onClick={() => onAdd(product.sku)}>
        Add to cart
      </Button>
    </article>
  );
}
