"""``reauth_required``: ask for the password again before a sensitive change.

Views that change the e-mail address, the password, the second factor or the security answers
use it after ``login_required`` or ``person_required``::

    @person_required()
    @reauth_required
    def change_email(request, person): ...

``reauth_before_post`` asks for it only before a POST (making an API token), so the page
itself can be read without it.

The password counts as recent for five minutes after it was typed (at sign-in or on the
confirmation page, ``accounts:reauth``).
"""

from clientvault.accounts.views.auth import reauth_before_post, reauth_required

__all__ = ["reauth_before_post", "reauth_required"]
