"""What /admin/ offers: nothing that shows a customer's or a login's personal data.

Staff see customer data only in the back office (/staff/), where every view is access-logged,
and a customer's own data in their client log. So /admin/ registers no customer model, and the
admin pages that third-party apps register are taken away here (this app comes after them in
``INSTALLED_APPS``, so they are registered by the time this module is imported):

- django-tasks-db's job page shows job tracebacks, declared personal in the inventory;
- django-axes' sign-in attempts (usernames and IP addresses) are kept off with
  ``AXES_ENABLE_ADMIN = False`` in settings.

API tokens have no admin page either: the list named every customer's username and token
names without an access log; a customer revokes a token on their API tokens page, and the
tokens end with a closed account.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model
from django_tasks_db.models import DBTaskResult

NOT_IN_ADMIN: tuple[type[Model], ...] = (DBTaskResult,)

for _model in NOT_IN_ADMIN:
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
