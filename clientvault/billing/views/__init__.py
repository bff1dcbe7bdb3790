"""Billing's pages: one module per area (payment methods, invoices, staff, webhooks)."""
