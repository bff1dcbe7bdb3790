"""What erasing a member does to the forum: their posts stay, as "a former member"'s."""

from __future__ import annotations

import uuid

from clientvault.privacy.actors import Actor
from clientvault.support.models import Post, Thread


def unlink_erased_author(*, subject_id: uuid.UUID, actor: Actor | None) -> int:
    """Remove the link from the erased person's threads and posts to them (run by erasure)."""
    threads = Thread.objects.filter(author__subject_id=subject_id).update(author=None)
    posts = Post.objects.filter(author__subject_id=subject_id).update(author=None)
    return threads + posts
