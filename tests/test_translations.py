"""Everything a person reads exists in every locale, with the same placeholders."""

from __future__ import annotations

import re
import string

from game.i18n import catalogue
from game.locales import supported_locales
from game.paths import ROOT
from game.runtime.forms import field_error  # noqa: F401  (the codes below come from it)

LITERAL_KEY = re.compile(r"\bt\(\"([a-z_0-9-]+(?:\.[a-z_0-9-]+)+)\"")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_locale_has_the_same_keys_and_placeholders():
    base = catalogue("fr-CA")
    for locale in supported_locales():
        other = catalogue(locale)
        assert set(other) == set(base), locale
        for key, text in base.items():
            assert placeholders(other[key]) == placeholders(text), (locale, key)
            assert other[key].strip(), (locale, key)


def test_every_text_the_code_asks_for_exists():
    used = set()
    for path in (ROOT / "game").rglob("*.py"):
        used |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    missing = sorted(key for key in used if key not in catalogue("fr-CA"))
    assert missing == []


def test_every_refusal_and_form_error_has_words():
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "game" / "runtime").glob("*.py"))
    reasons = set(re.findall(r'Rejected\("([a-z_]+)"\)', source))
    reasons |= set(re.findall(r'_reject\(action, "([a-z_]+)"\)', source))
    assert len(reasons) > 30
    assert sorted(r for r in reasons if f"reject.{r}" not in catalogue("en-CA")) == []
    forms = (ROOT / "game" / "runtime" / "forms.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'return "([a-z_]+)"', forms))
    assert {"required", "invalid_postal_code", "password_needs_digit"} <= codes
    assert sorted(c for c in codes if f"form.error.{c}" not in catalogue("fr-CA")) == []
