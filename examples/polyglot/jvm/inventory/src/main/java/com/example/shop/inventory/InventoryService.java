package com.example.shop.inventory;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** Keeps stock levels and reserves units for orders being paid. */
public class InventoryService {

    /** Reservations expire after this many minutes without payment. */
    public static final int RESERVATION_TTL_MINUTES = 15;

    private final Map<String, StockLevel> levels = new HashMap<>();

    /** Why a reservation failed. */
    public enum ReservationError {
        UNKNOWN_SKU,
        INSUFFICIENT_STOCK
    }

    public Optional<StockLevel> levelOf(String sku, String warehouse) {
        return Optional.ofNullable(levels.get(key(sku, warehouse)));
    }

    /** Reserves {@code quantity} units, or reports why it cannot. */
    public Optional<ReservationError> reserve(String sku, String warehouse, int quantity) {
        StockLevel level = levels.get(key(sku, warehouse));
        if (level == null) {
            return Optional.of(ReservationError.UNKNOWN_SKU);
        }
        if (level.available() < quantity) {
            return Optional.of(ReservationError.INSUFFICIENT_STOCK);
        }
        levels.put(key(sku, warehouse),
            new StockLevel(sku, warehouse, level.onHand(), level.reserved() + quantity));
        return Optional.empty();
    }

    void restock(String sku, String warehouse, int quantity) {
        levels.merge(key(sku, warehouse), new StockLevel(sku, warehouse, quantity, 0),
            (old, add) -> new StockLevel(sku, warehouse, old.onHand() + add.onHand(), old.reserved()));
    }

    private static String key(String sku, String warehouse) {
        return sku + "@" + warehouse;
    }
}
