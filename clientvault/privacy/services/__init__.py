"""The kernel's services: typed, keyword-only functions that write their audit event."""
