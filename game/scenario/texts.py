"""Locale maps: every text a person reads, in every supported locale."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from game.locales import supported_locales


def _check_locales(value: dict[str, str]) -> dict[str, str]:
    supported = supported_locales()
    unknown = [tag for tag in value if tag not in supported]
    if unknown:
        # A typed error whose context names the key, so the loader can point at that key.
        raise PydanticCustomError("unknown_locale", "unknown locale '{locale}' (supported: {supported})",
                                  {"locale": unknown[0], "supported": ", ".join(supported)})
    missing = [tag for tag in supported if not (value.get(tag) or "").strip()]
    if missing:
        raise ValueError(f"missing translation for {', '.join(missing)}")
    return value


def _schema() -> dict:
    tags = list(supported_locales())
    return {
        "type": "object",
        "description": "A text in every supported locale",
        "properties": {tag: {"type": "string", "minLength": 1} for tag in tags},
        "required": tags,
        "additionalProperties": False,
    }


LocaleText = Annotated[dict[str, str], AfterValidator(_check_locales), WithJsonSchema(_schema())]
