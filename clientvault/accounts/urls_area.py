"""The customer area (namespace ``accounts``): signup, dashboard, profile, log, tokens, users."""

from django.urls import path

from clientvault.accounts.views import area, choices, sent, tokens, users

urlpatterns = [
    path("signup", area.signup, name="signup"),
    path("signup/sent", area.signup_sent, name="signup_sent"),
    path("account", area.dashboard, name="dashboard"),
    path("account/profile", area.profile, name="profile"),
    path("account/profile/email", area.profile_email, name="profile_email"),
    path("account/profile/history", area.profile_history, name="profile_history"),
    path("account/choices", choices.choices, name="choices"),
    path("account/messages", sent.sent_messages, name="sent_messages"),
    path("account/messages/<uuid:pk>", sent.sent_message, name="sent_message"),
    path("account/organisation", area.organisation, name="organisation"),
    path("account/log", area.client_log, name="client_log"),
    path("account/api-tokens", tokens.api_tokens, name="api_tokens"),
    path("account/api-tokens/<int:pk>/revoke", tokens.api_token_revoke, name="api_token_revoke"),
    path("account/users", users.users, name="users"),
    path("account/users/invite", users.user_invite, name="user_invite"),
    path("account/users/<uuid:pk>", users.user_edit, name="user_edit"),
    path("account/users/<uuid:pk>/remove", users.user_remove, name="user_remove"),
    path(
        "account/invitations/<uuid:pk>/withdraw",
        users.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>", users.invitation_accept, name="invitation_accept"),
]
