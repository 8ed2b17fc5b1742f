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
    for block in theme.values():
        opacity = block.get("misc", {}).pop("opacity", None) if isinstance(block, dict) else None
        if opacity is not None:  # theme files hold #RRGGBB only: a see-through panel (the scrim) says how much
            colours = block.setdefault("colours", {})
            colours["dark_bg"] = colours["dark_bg"][:7] + f"{round(int(opacity) * 255 / 100):02X}"
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


def theme_names() -> list[str]:
    """The themes a person can choose: every file in assets/themes (default, high-contrast)."""
    return sorted(path.stem for path in THEMES.glob("*.json"))


def colour(name: str, key: str, block: str = "defaults") -> str:
    """A colour we draw ourselves: `key` of the theme's `block`, else of its defaults."""
    raw = _raw(name)
    found = raw.get(block, {}).get("colours", {}).get(key)
    return found if found is not None else raw["defaults"]["colours"][key]


def row_colours(name: str) -> dict[str, str]:
    """List rows are drawn by us: their colours still come from the theme's #row block."""
    keys = ("normal_bg", "hovered_bg", "selected_bg", "normal_border", "selected_border", "normal_text",
            "unread_mark")
    return {**{key: colour(name, key, "#row") for key in keys}, "muted_text": colour(name, "normal_text", "#muted")}


CHART_KEYS = ("band_a", "band_b", "range_bg", "marker_bg", "marker_text", "range_text", "normal_text", "normal_border",
              "separator")


def chart_colours(name: str) -> dict[str, str]:
    """The results chart is drawn by us: its colours come from the theme's #chart block."""
    return {key: colour(name, key, "#chart") for key in CHART_KEYS}


def scroll_bar_colours(name: str) -> tuple[str, str]:
    """(track, thumb) of the position bars we draw, as the theme's own scroll bars: vertical_scroll_bar."""
    return colour(name, "dark_bg", "vertical_scroll_bar"), colour(name, "normal_bg", "vertical_scroll_bar")
