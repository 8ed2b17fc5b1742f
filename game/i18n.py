"""Interface texts in every supported locale, read from assets/translations/<locale>.json."""

from __future__ import annotations

import json
from functools import cache

from game.locales import DEFAULT_LOCALE
from game.paths import TRANSLATIONS


@cache
def catalogue(locale: str) -> dict[str, str]:
    path = TRANSLATIONS / f"{locale}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def tr(locale: str, key: str, **values: object) -> str:
    """The text for `key` in `locale`; falls back to the default locale, then the key itself."""
    text = catalogue(locale).get(key) or catalogue(DEFAULT_LOCALE).get(key) or key
    return text.format(**values) if values else text
