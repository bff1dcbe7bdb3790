"""Sign-in and account security pages (namespace ``accounts``)."""

from django.urls import path

from clientvault.accounts.views import auth, confirmation, security

urlpatterns = [
    path("sign-in", auth.login_view, name="login"),
    path("sign-in/code", auth.two_factor, name="two_factor"),
    path("sign-in/confirm", auth.reauth, name="reauth"),
    path("sign-in/unconfirmed", confirmation.email_unconfirmed, name="email_unconfirmed"),
    path("sign-out", auth.logout_view, name="logout"),
    path("confirm-email", confirmation.email_confirm, name="email_confirm"),
    path("confirm-email/<str:token>", confirmation.email_confirm_link, name="email_confirm_link"),
    path("password-reset", auth.password_reset, name="password_reset"),
    path("password-reset/sent", auth.password_reset_done, name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>",
        auth.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("security", security.security, name="security"),
    path("security/password", security.password_change, name="password_change"),
    path("security/answers", security.security_answers, name="security_answers"),
    path("security/two-step", auth.two_factor_setup, name="two_factor_setup"),
    path("security/two-step/off", auth.two_factor_disable, name="two_factor_disable"),
    path("security/recovery-codes", auth.recovery_codes, name="recovery_codes"),
    path("security/recovery-codes/renew", auth.recovery_codes_renew, name="recovery_codes_renew"),
    path("security/sessions/<uuid:session_id>/end", security.sessions_end, name="sessions_end"),
    path("security/sessions/end-all", security.sessions_end_all, name="sessions_end_all"),
    path("security/report", security.report_unauthorised, name="report_unauthorised"),
]
