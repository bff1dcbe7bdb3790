"""``python -m clientvault.testpanel``: run the test panel without clientvault's settings.

``clientvault testpanel serve`` is the usual way (it takes the key and addresses from the
settings); this entry point is for running the panel on its own.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from clientvault.testpanel.server import Config, serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m clientvault.testpanel")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8050)
    parser.add_argument("--state", type=Path, default=Path("var/testpanel.sqlite3"))
    parser.add_argument("--quiet", action="store_true")
    options = parser.parse_args(argv)
    key = os.environ.get("CLIENTVAULT_TEST_PANEL_KEY", "panel_clientvault_test")
    config = Config(key=key, quiet=options.quiet)
    serve(config, host=options.host, port=options.port, state=options.state)


if __name__ == "__main__":
    main()
