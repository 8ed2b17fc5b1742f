"""The locales NUM+ speaks. Adding a language is adding a catalogue file, not code."""

from __future__ import annotations

from functools import cache

from game.paths import TRANSLATIONS

DEFAULT_LOCALE = "fr-CA"


@cache
def supported_locales() -> tuple[str, ...]:
    """Every locale with a catalogue in assets/translations, the default first."""
    found = sorted(p.stem for p in TRANSLATIONS.glob("*.json"))
    if DEFAULT_LOCALE in found:
        found.remove(DEFAULT_LOCALE)
        found.insert(0, DEFAULT_LOCALE)
    return tuple(found)
