"""clientvault's own settings, read from the environment as in production, plus one bare view.

The benchmark compares each page with a view that does nothing (``/bench/bare``) behind the same
middleware, served by the same processes; only the URL configuration differs.
"""

from clientvault.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
