"""The [brand] table of the policy profile: name, logo and an accent colour that stays readable."""

import base64
from pathlib import Path

import pytest

from clientvault.privacy.brand import DEFAULT_ACCENT, contrast_with_white
from clientvault.privacy.profile import PRESETS_DIR, ProfileError, load_profile

PRESET = PRESETS_DIR / "need-to-know.toml"
LOGO = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
    '<rect width="10" height="10"/></svg>'
)


def with_brand(tmp_path: Path, table: str) -> tuple[Path, str]:
    """The need-to-know preset with a [brand] table at its end."""
    text = PRESET.read_text() + "\n[brand]\n" + table
    path = tmp_path / "policy.toml"
    path.write_text(text)
    return path, text


def refusal(tmp_path: Path, table: str) -> tuple[str, str, int]:
    """The one-line error, the file's text and the line of the table's last key."""
    path, text = with_brand(tmp_path, table)
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    assert message.startswith(f"policy profile {path}, line ")
    assert "\n" not in message
    return message, text, len(text.splitlines())


def test_without_a_brand_the_operator_name_and_the_default_accent_are_used():
    profile = load_profile(PRESET)
    assert profile.brand.name == profile.operator_name
    assert profile.brand.accent == DEFAULT_ACCENT
    assert profile.brand.logo == ""


def test_it_reads_the_name_the_accent_and_the_logo_beside_the_profile(tmp_path):
    (tmp_path / "logo.svg").write_text(LOGO)
    path, _ = with_brand(
        tmp_path, 'name = "Blue Harbour Hosting"\naccent = "#1A5E20"\nlogo = "logo.svg"\n'
    )
    brand = load_profile(path).brand
    assert brand.name == "Blue Harbour Hosting"
    assert brand.accent == "#1a5e20"
    kind, data = brand.logo.split(",", 1)
    assert kind == "data:image/svg+xml;base64"
    assert base64.b64decode(data).decode() == LOGO


@pytest.mark.parametrize("accent", ["#ffcc00", "#8ab4f8", "#ffffff", "#777777"])
def test_it_refuses_an_accent_too_pale_for_white_text_naming_file_and_key(tmp_path, accent):
    assert contrast_with_white(accent) < 4.5
    message, _, line = refusal(tmp_path, f'accent = "{accent}"\n')
    assert f", line {line}, brand.accent: contrast with white is" in message
    assert "WCAG AA needs at least 4.5:1" in message


def test_it_accepts_an_accent_just_dark_enough():
    # #767676 is the lightest grey with 4.5:1 on white.
    assert contrast_with_white("#767676") >= 4.5


@pytest.mark.parametrize("accent", ["blue", "#12345", "0b5cad", "#0b5cadff", 7])
def test_it_refuses_an_accent_that_is_not_a_hex_colour(tmp_path, accent):
    value = f'"{accent}"' if isinstance(accent, str) else str(accent)
    message, _, _ = refusal(tmp_path, f"accent = {value}\n")
    assert "brand.accent: must be a hex colour" in message


def test_it_refuses_a_logo_that_does_not_exist(tmp_path):
    message, _, line = refusal(tmp_path, 'logo = "missing.svg"\n')
    assert f", line {line}, brand.logo: cannot be read" in message


def test_it_refuses_a_logo_that_is_not_an_image_file(tmp_path):
    (tmp_path / "logo.html").write_text("<p>hi</p>")
    message, _, _ = refusal(tmp_path, 'logo = "logo.html"\n')
    assert "brand.logo: must be an image file ending in .svg" in message


def test_it_refuses_a_logo_too_large_to_send_in_every_page(tmp_path):
    (tmp_path / "logo.png").write_bytes(b"\x89PNG" + b"0" * 200_000)
    message, _, _ = refusal(tmp_path, 'logo = "logo.png"\n')
    assert "brand.logo: must be at most 100 kB" in message


def test_it_refuses_an_empty_name_and_an_unknown_key(tmp_path):
    message, _, _ = refusal(tmp_path, 'name = " "\n')
    assert "brand.name: must be non-empty text" in message
    message, _, _ = refusal(tmp_path, 'colour = "#0b5cad"\n')
    assert "brand.colour: unknown key" in message


def test_its_style_sheet_is_allowed_by_its_own_hash(tmp_path):
    path, _ = with_brand(tmp_path, 'accent = "#1a5e20"\n')
    brand = load_profile(path).brand
    assert "--accent:#1a5e20" in brand.css
    assert brand.css_hash.startswith("'sha256-")
    assert brand.css_hash != load_profile(PRESET).brand.css_hash
