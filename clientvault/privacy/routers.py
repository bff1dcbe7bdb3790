"""Route the key store's models to their own database, apart from the data and its backups."""

from __future__ import annotations

from typing import Any

KEYSTORE_ALIAS = "keys"
KEYSTORE_MODELS = frozenset({"subjectkey", "masterkeyversion", "systemkey", "auditanchor"})


def _is_keystore(app_label: str, model_name: str | None) -> bool:
    return app_label == "privacy" and (model_name or "") in KEYSTORE_MODELS


class KeyStoreRouter:
    def db_for_read(self, model: type[Any], **hints: Any) -> str | None:
        return (
            KEYSTORE_ALIAS if _is_keystore(model._meta.app_label, model._meta.model_name) else None
        )

    def db_for_write(self, model: type[Any], **hints: Any) -> str | None:
        return self.db_for_read(model, **hints)

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return None

    def allow_migrate(
        self, db: str, app_label: str, model_name: str | None = None, **hints: Any
    ) -> bool | None:
        if model_name is None:
            return db != KEYSTORE_ALIAS or app_label == "privacy"
        return _is_keystore(app_label, model_name) == (db == KEYSTORE_ALIAS)
