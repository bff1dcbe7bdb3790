"""What the accounts app declares in the inventory about sign-ins (COL-12)."""

import pytest

from clientvault.privacy.fields import VaultField
from clientvault.privacy.inventory import Personal, registry


@pytest.mark.parametrize("label", ["accounts.LoginEvent", "accounts.UserSession"])
@pytest.mark.parametrize("name", ["ip_address", "browser"])
def test_the_sign_in_address_and_browser_are_declared_for_security_only(label, name):
    declaration = registry.get(label)
    assert declaration is not None, f"{label} is not declared"
    spec = declaration.fields[name]
    assert isinstance(spec, Personal)
    assert set(spec.purposes) == {"security"}
    assert spec.recipients == ()
    assert isinstance(declaration.model._meta.get_field(name), VaultField)
