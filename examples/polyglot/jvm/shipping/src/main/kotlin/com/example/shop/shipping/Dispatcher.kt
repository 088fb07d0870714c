package com.example.shop.shipping

import com.example.shop.inventory.InventoryService
import com.example.shop.inventory.StockLevel

/** Ships an order line from one warehouse: reserves the units, then picks a carrier. */
class Dispatcher(private val inventory: InventoryService, private val quotes: QuoteService) {

    /** The quote for shipping [quantity] units, or null when the warehouse cannot serve them. */
    fun dispatch(sku: String, warehouse: String, quantity: Int, grams: Int, country: String): ShippingQuote? {
        val level: StockLevel = inventory.levelOf(sku, warehouse).orElse(null) ?: return null
        if (level.isOutOfStock() || inventory.reserve(sku, warehouse, quantity).isPresent) return null
        return quotes.cheapest(grams * quantity, country, maxDays = 3)
    }
}
