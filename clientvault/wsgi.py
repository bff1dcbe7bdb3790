"""The WSGI application: ``gunicorn clientvault.wsgi``.

A configuration error (no or a bad master key, a malformed policy profile, a bad environment
variable) or a database that lacks migrations is reported in one line on stderr, as by the
``clientvault`` command, and the process exits with status 4, on which gunicorn stops ("App
failed to load") instead of respawning.
"""

from __future__ import annotations

import os

from django.core.wsgi import get_wsgi_application

from clientvault.cli import APP_LOAD_ERROR, report_configuration_errors

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientvault.settings")
with report_configuration_errors(exit_code=APP_LOAD_ERROR):
    application = get_wsgi_application()
    from clientvault.privacy.schema import check_migrated

    check_migrated()
