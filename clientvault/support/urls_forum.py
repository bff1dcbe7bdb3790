"""The public forum (CTL-5): reading is open to anyone; posting, editing, deleting and
reporting need a signed-in member."""

from django.urls import URLPattern, path

from clientvault.support.views import forum

urlpatterns: list[URLPattern] = [
    path("forum/", forum.forum_index, name="forum"),
    path("forum/categories/<slug:slug>/", forum.category_page, name="forum_category"),
    path("forum/categories/<slug:slug>/new", forum.new_thread, name="forum_new_thread"),
    path("forum/threads/<uuid:pk>/", forum.thread_page, name="thread"),
    path("forum/threads/<uuid:pk>/reply", forum.reply, name="forum_reply"),
    path("forum/posts/<uuid:pk>/edit", forum.edit, name="forum_edit"),
    path("forum/posts/<uuid:pk>/delete", forum.delete, name="forum_delete"),
    path("forum/posts/<uuid:pk>/flag", forum.flag, name="flag_post"),
]
