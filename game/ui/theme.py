"""The look: a pygame_gui theme file, with fonts resolved to bundled files and sized by the text scale."""

from __future__ import annotations

import copy
import json
from functools import cache

from game.paths import ASSETS, THEMES


ELEMENT_TYPES = ("button", "label", "text_box", "text_entry_line", "text_entry_box", "tool_tip", "panel")


@cache
def _raw(name: str) -> dict:
    return json.loads((THEMES / f"{name}.json").read_text(encoding="utf-8"))


def theme_dict(name: str, scale: int) -> dict:
    """The theme with absolute font paths (pygame_gui resolves relative ones against the cwd)."""
    theme = copy.deepcopy(_raw(name))
    # Our convention: "defaults" holds the font every element type uses unless it names its own.
    default_font = theme.get("defaults", {}).pop("font", None)
    if default_font:
        for element_type in ELEMENT_TYPES:
            block = theme.setdefault(element_type, {})
            block.setdefault("font", dict(default_font))
    if "#check" in theme:  # a check box's text starts after the box we draw, which grows with the text
        theme["#check"].setdefault("misc", {})["text_horiz_alignment_padding"] = str(round(48 * scale / 100))
    for block in theme.values():
        font = block.get("font") if isinstance(block, dict) else None
        if font:
            font["size"] = str(round(int(font["size"]) * scale / 100))
            for key in ("regular_path", "bold_path", "italic_path", "bold_italic_path"):
                if key in font:
                    font[key] = str(ASSETS / font[key])
    return theme


def colour(name: str, key: str) -> str:
    return _raw(name)["defaults"]["colours"][key]


def row_colours(name: str) -> dict[str, str]:
    """List rows are drawn by us: their colours still come from the theme's #row block."""
    raw = _raw(name)
    row = raw.get("#row", {}).get("colours", {})
    muted = raw.get("#muted", {}).get("colours", {}).get("normal_text", row.get("normal_text", "#000000"))
    return {"normal_bg": row.get("normal_bg", "#FFFFFF"), "hovered_bg": row.get("hovered_bg", "#E3ECF7"),
            "selected_bg": row.get("selected_bg", "#CFE0F5"), "normal_border": row.get("normal_border", "#C5CDD6"),
            "selected_border": row.get("selected_border", "#1F5FAF"), "normal_text": row.get("normal_text", "#000000"),
            "muted_text": muted}


CHART_DEFAULTS = {"band_a": "#FFFFFF", "band_b": "#E4E9F0", "range_bg": "#B9D2F0", "marker_bg": "#1F5FAF",
                  "marker_text": "#FFFFFF", "normal_text": "#1B1F24", "normal_border": "#5B6875",
                  "separator": "#9AA5B1"}


def chart_colours(name: str) -> dict[str, str]:
    """The results chart is drawn by us: its colours come from the theme's #chart block."""
    return {**CHART_DEFAULTS, **_raw(name).get("#chart", {}).get("colours", {})}
