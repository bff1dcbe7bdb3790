"""Support's pages (namespace ``support``): the customer area's tickets under /account/support
(``urls_area``), the back office under /staff/support (``urls_staff``), acceptable-use review
under /staff/review (``urls_review``) and the public forum under /forum (``urls_forum``)."""

from clientvault.support.urls_area import urlpatterns as area
from clientvault.support.urls_forum import urlpatterns as forum
from clientvault.support.urls_release import urlpatterns as release
from clientvault.support.urls_review import urlpatterns as review
from clientvault.support.urls_staff import urlpatterns as staff

app_name = "support"

urlpatterns = [*area, *staff, *release, *review, *forum]
