"""Support: tickets (COL-9), acceptable-use review (REV-1) and the public forum (CTL-5)."""
