package com.example.shop.inventory;

/** Units of one SKU in one warehouse; reserved units are not sellable. */
public record StockLevel(String sku, String warehouse, int onHand, int reserved) {

    /** Units that can still be sold. */
    public int available() {
        return Math.max(0, onHand - reserved);
    }

    public boolean isOutOfStock() {
        return available() == 0;
    }
}
