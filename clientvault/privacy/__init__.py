"""The privacy kernel: subjects, inventory, vault, reveal, audit, consent, disclosures, retention.

It imports no other clientvault app; domain apps declare their data to it.
"""
