"""The accounts app's services, one module per topic; token services re-exported for callers."""

from clientvault.accounts.services.tokens import (
    authenticate_api_token,
    create_api_token,
    find_api_token,
    revoke_api_token,
)

__all__ = ["authenticate_api_token", "create_api_token", "find_api_token", "revoke_api_token"]
