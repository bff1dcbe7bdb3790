"""``python -m clientvault.testregistrar``: run the test registrar without clientvault's settings.

``clientvault testregistrar serve`` is the usual way (it takes the key and address from the
settings); this entry point is for running the registrar on its own. The key is
``CLIENTVAULT_TEST_REGISTRAR_KEY`` from the environment.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from clientvault.testregistrar.server import Config, serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m clientvault.testregistrar")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8060)
    parser.add_argument("--state", type=Path, default=Path("var/testregistrar.sqlite3"))
    parser.add_argument("--quiet", action="store_true")
    options = parser.parse_args(argv)
    key = os.environ.get("CLIENTVAULT_TEST_REGISTRAR_KEY", "registrar_clientvault_test")
    serve(
        Config(key=key, quiet=options.quiet),
        host=options.host,
        port=options.port,
        state=options.state,
    )


if __name__ == "__main__":
    main()
