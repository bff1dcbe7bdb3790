"""Registrar adapters: where domain names are registered, transferred and renewed."""
