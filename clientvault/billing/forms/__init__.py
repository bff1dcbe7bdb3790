"""Billing's forms, one module per area of the customer's and the staff's pages."""
