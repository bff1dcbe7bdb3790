"""The accounts app's pages: sign-in and security, the customer area, the staff back office."""

from clientvault.accounts import urls_area, urls_auth, urls_staff

app_name = "accounts"
urlpatterns = [*urls_auth.urlpatterns, *urls_area.urlpatterns, *urls_staff.urlpatterns]
