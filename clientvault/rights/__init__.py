"""Data-subject requests: intake, verification, agents, deadlines, export, correction, erasure.

``rights`` reaches the data of every other app only through the privacy inventory and the
kernel's directory (``clientvault.privacy.directory``), never by importing a domain app.
"""
