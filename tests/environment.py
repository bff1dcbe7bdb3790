"""Loaded by pytest before Django (``-p tests.environment``): the test environment."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

os.environ["CLIENTVAULT_TESTING"] = "1"
_TMP = Path(tempfile.mkdtemp(prefix="clientvault-tests-"))
os.environ["CLIENTVAULT_VAR_DIR"] = str(_TMP)

os.environ.pop("CLIENTVAULT_MASTER_KEY", None)
os.environ.pop("CLIENTVAULT_MASTER_KEY_FILE", None)
os.environ.pop("CLIENTVAULT_POLICY", None)
os.environ.pop("CLIENTVAULT_HOST", None)  # the development server `make run` starts
