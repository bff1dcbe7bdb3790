"""``python -m clientvault.testgateway``: run the test gateway without clientvault's settings.

``clientvault testgateway serve`` is the usual way (it takes the secret and addresses from the
settings); this entry point is for running the gateway on its own.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from clientvault.testgateway.server import Config, serve


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m clientvault.testgateway")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8040)
    parser.add_argument("--state", type=Path, default=Path("var/testgateway.sqlite3"))
    parser.add_argument("--webhook-url", default="")
    parser.add_argument("--merchant", default="clientvault")
    parser.add_argument("--quiet", action="store_true")
    options = parser.parse_args(argv)
    secret = os.environ.get("CLIENTVAULT_TEST_GATEWAY_SECRET", "whsec_clientvault_test")
    config = Config(
        secret=secret,
        webhook_url=options.webhook_url,
        merchant=options.merchant,
        quiet=options.quiet,
    )
    serve(config, host=options.host, port=options.port, state=options.state)


if __name__ == "__main__":
    main()
