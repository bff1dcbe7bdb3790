"""Kinds of message the messaging tests send: a notice, an offer, a newsletter, a text."""

from __future__ import annotations

from clientvault.messaging.kinds import declare
from clientvault.messaging.models import Category, Channel

NOTICE = declare(
    "kernelapp.notice",
    category=Category.SERVICE,
    headline="Your {{ thing }} is ready",
    text_template="kernelapp/messages/notice.txt",
    variables=["thing"],
    secrets=["link"],
)
OFFER = declare(
    "kernelapp.offer",
    category=Category.MARKETING,
    headline="An offer for you",
    text_template="kernelapp/messages/offer.txt",
)
NEWSLETTER = declare(
    "kernelapp.newsletter",
    category=Category.RESELLER_NEWSLETTER,
    headline="Resellers' news",
    text_template="kernelapp/messages/offer.txt",
)
CODE_TEXT = declare(
    "kernelapp.code_text",
    category=Category.SECURITY,
    channel=Channel.TEXT,
    text_template="kernelapp/messages/code.txt",
    secrets=["code"],
)
ANSWER = declare(
    "kernelapp.answer",
    category=Category.SERVICE,
    headline="About your {{ thing }}",
    text_template="kernelapp/messages/offer.txt",
    variables=["thing", "reply_to"],
    reply_to_variable="reply_to",
    auto_submitted="auto-replied",
)
