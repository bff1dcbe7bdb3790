"""Billing: payment methods (tokens in the vault), invoices, payments, credit, gateway adapters."""
