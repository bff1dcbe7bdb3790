"""The staff back office under /staff/ (names in the ``accounts`` namespace)."""

from django.urls import path

from clientvault.accounts.views import campaigns, staff, staff_resellers

urlpatterns = [
    path("staff/", staff.search, name="staff_search"),
    path("staff/customers/<str:number>/", staff.customer, name="staff_customer"),
    path("staff/customers/<str:number>/status/", staff.status, name="staff_status"),
    path(
        "staff/customers/<str:number>/reseller/",
        staff_resellers.reseller,
        name="staff_reseller",
    ),
    path("staff/people/<uuid:pk>/identity/", staff.identity_check, name="staff_identity_check"),
    path("staff/people/<uuid:pk>/edit/", staff.intake_update, name="staff_intake_update"),
    path(
        "staff/people/<uuid:pk>/reset-password/",
        staff.reset_password,
        name="staff_reset_password",
    ),
    path("staff/intake/", staff.intake, name="staff_intake"),
    path("staff/reports/", staff.reports, name="staff_reports"),
    path("staff/reports/<uuid:pk>/", staff.report, name="staff_report"),
    path("staff/campaigns/", campaigns.campaigns, name="staff_campaigns"),
    path("staff/campaigns/new/", campaigns.campaign_new, name="staff_campaign_new"),
    path("staff/campaigns/<uuid:pk>/", campaigns.campaign, name="staff_campaign"),
]
