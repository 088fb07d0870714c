"use strict";
// CommonJS module: its API is whatever lands on module.exports.

const Big = require("big.js");

var SYMBOLS = { EUR: "€", USD: "$", GBP: "£" };

/** Formats an amount in minor units, e.g. formatPrice(1999, "EUR") -> "€19.99". */
function formatPrice(cents, currency) {
  var symbol = SYMBOLS[currency] || currency + " ";
  return symbol + new Big(cents).div(100).toFixed(2);
}

function roundToCents(amount) {
  return Math.round(amount * 100);
}

function convert(cents, rate) {
  return roundToCents((cents / 100) * rate);
}

module.exports = { formatPrice: formatPrice, convert: convert };
