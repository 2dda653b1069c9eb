"""Money and the provider's account: the price before sending (catalogue, cached), the
balance, the daily spending limit, the real charge from the ledger, recovery of a lost
submission from the request log, and the model's health. No Qt here."""
