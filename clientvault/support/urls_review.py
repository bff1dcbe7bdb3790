"""Acceptable-use review (REV-1) in the back office: the queue and one communication's review
(reviewers only), and reporting a ticket message (any staff member)."""

from django.urls import URLPattern, path

from clientvault.support.views import review

urlpatterns: list[URLPattern] = [
    path("staff/review/", review.queue, name="review_queue"),
    path("staff/review/posts/<uuid:pk>/", review.post_review, name="review_post"),
    path("staff/review/messages/<uuid:pk>/", review.message_review, name="review_message"),
    path("staff/review/messages/<uuid:pk>/report", review.message_flag, name="flag_message"),
]
