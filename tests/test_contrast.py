"""Every text and background colour pair of every theme is readable: WCAG 2.1 contrast of at least 4.5:1 in the
default theme (level AA) and 7:1 in high contrast (level AAA); what is not text but must be seen (the focus ring,
field borders, position bars) at least 3:1. Colour is never the only signal: every error has words or an icon.

Pairing rules: which text colour meets which background, and where the colours come from.

- Colours resolve as pygame_gui resolves them: the object id's block (#secondary...), then the element type's
  block (button, label...), then the theme's "defaults". Labels have no background of their own (pygame_gui's
  own theme makes a label's background transparent): they sit on a surface.
- Buttons (the element type and every object id we give a button, BUTTON_STYLES): in each state (normal,
  hovered, active, selected, disabled) `<state>_text` on `<state>_bg`. The plain "button" block covers the
  arrows of pygame_gui's scroll bars.
- Labels (LABEL_STYLES: plain, #title, #strong, #muted, #error): `normal_text` on every surface a text can sit
  on (SURFACES): the screen (`screen_bg`), the top bar (#bar), a web page (#page), a dialog (#dialog) and a panel.
  The browser's "Not secure" words (#error) and the game's captions (label) are drawn on the screen: covered.
- Text entries (line and box): `normal_text` and `text_cursor` on `dark_bg`, `selected_text` on `selected_bg`.
- Text boxes (message bodies, documents): `normal_text` and `link_text` on `dark_bg`; tool tips: `normal_text`
  on `dark_bg`.
- What we draw ourselves, from blocks pygame_gui never uses:
  - list rows (#row, rows.py): the first line `normal_text` and the others #muted's `normal_text`, on each of
    `normal_bg`, `hovered_bg` and `selected_bg`;
  - the results chart (#chart, profile_chart.py): `normal_text` on `band_a` and `band_b`, `range_text` on
    `range_bg`, `marker_text` on `marker_bg`;
  - a web page (#page, browser_view.py): `normal_text` (the password strength words) and `link_text` on
    `dark_bg`;
  - the error icon (#error_icon, errors.py): its "!" `normal_text` on `normal_bg`;
  - the game under test (#qa_game, qa_game_view.py): the HUD, the game's own screens and the crash window,
    each `<part>_text` on `<part>_bg`. The rest of the game's picture is art, not text.
- Not text (3:1, WCAG 1.4.11): the focus ring against the band drawn between it and the element (`focus_gap`),
  and on every surface the ring or its band stands out (the ring itself in high contrast); text entry borders
  (normal and focused) on the surfaces entries sit on; the check box border on the check button and the tick
  on the box; the position bars' thumb on their track (vertical_scroll_bar `normal_bg` on `dark_bg`); the error
  icon on the surfaces errors are shown on.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from game.i18n import catalogue
from game.locales import supported_locales
from game.paths import ROOT, THEMES
from game.settings import Settings
from game.ui.theme import theme_names

THEME_FILES = sorted(THEMES.glob("*.json"))
TEXT_MINIMUM = {"default": 4.5, "high-contrast": 7.0}
NON_TEXT_MINIMUM = 3.0
HEX = re.compile(r"#[0-9A-Fa-f]{6}")

BUTTON_STYLES = ("button", "#primary", "#secondary", "#danger", "#task", "#task_current", "#check")
BUTTON_STATES = ("normal", "hovered", "active", "selected", "disabled")
LABEL_STYLES = ("label", "#title", "#strong", "#muted", "#error")
SURFACES = {"screen": ("defaults", "screen_bg"), "top bar": ("#bar", "dark_bg"), "web page": ("#page", "dark_bg"),
            "dialog": ("#dialog", "dark_bg"), "panel": ("panel", "dark_bg")}
ENTRY_SURFACES = ("screen", "web page", "dialog")  # where text entries are placed
GAME_PARTS = ("hud", "box", "crash_title", "crash")  # <part>_text on <part>_bg (crash: crash_text on crash_bg)
# Every block a theme may hold, by what pairs it: a new block needs rules here before it can be used.
ELEMENT_BLOCKS = {"defaults", "button", "label", "panel", "text_box", "text_entry_line", "text_entry_box", "tool_tip",
                  "vertical_scroll_bar"}
SURFACE_BLOCKS = {"#bar", "#taskbar", "#dialog", "#scrim", "#page"}  # no text of their own: text sits on them
DRAWN_BLOCKS = {"#row", "#chart", "#page", "#check_box", "#error_icon", "#meter", "#qa_game"}
PAIRED_BLOCKS = ELEMENT_BLOCKS | SURFACE_BLOCKS | DRAWN_BLOCKS | set(BUTTON_STYLES) | set(LABEL_STYLES)


def relative_luminance(colour: str) -> float:
    """WCAG 2.1: the sRGB channels linearised, then weighted."""
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    lighter, darker = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_gives_the_known_ratios():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21.0)
    assert contrast("#FFFFFF", "#FFFFFF") == pytest.approx(1.0)
    assert contrast("#777777", "#FFFFFF") == pytest.approx(4.48, abs=0.01)  # the famous just-fails grey
    assert contrast("#595959", "#FFFFFF") == pytest.approx(7.0, abs=0.01)
    assert contrast("#FFFF00", "#000000") == contrast("#000000", "#FFFF00")


class Look:
    """A theme file's colours, resolved as pygame_gui does: the blocks named, then the defaults."""

    def __init__(self, path: Path):
        self.name = path.stem
        self.raw = json.loads(path.read_text(encoding="utf-8"))

    def get(self, key: str, *blocks: str) -> str:
        for block in (*blocks, "defaults"):
            found = self.raw.get(block, {}).get("colours", {}).get(key)
            if found is not None:
                return found
        raise KeyError(f"{self.name}: no colour {key!r} in {blocks} nor in defaults")

    def surface(self, name: str) -> str:
        block, key = SURFACES[name]
        return self.get(key, block)


def text_pairs(look: Look) -> list[tuple[str, str, str]]:
    """(where, text colour, background colour) for every text the game shows."""
    pairs = []
    for style in BUTTON_STYLES:
        for state in BUTTON_STATES:
            pairs.append((f"{style} button, {state}", look.get(f"{state}_text", style, "button"),
                          look.get(f"{state}_bg", style, "button")))
    for style in LABEL_STYLES:
        for surface in SURFACES:
            pairs.append((f"{style} label on the {surface}", look.get("normal_text", style, "label"),
                          look.surface(surface)))
    for block in ("text_entry_line", "text_entry_box"):
        pairs += [(f"{block} text", look.get("normal_text", block), look.get("dark_bg", block)),
                  (f"{block} cursor", look.get("text_cursor", block), look.get("dark_bg", block)),
                  (f"{block} selected text", look.get("selected_text", block), look.get("selected_bg", block))]
    pairs += [("text_box text", look.get("normal_text", "text_box"), look.get("dark_bg", "text_box")),
              ("text_box link", look.get("link_text", "text_box"), look.get("dark_bg", "text_box")),
              ("tool tip", look.get("normal_text", "tool_tip"), look.get("dark_bg", "tool_tip"))]
    for background in ("normal_bg", "hovered_bg", "selected_bg"):
        pairs += [(f"row first line on {background}", look.get("normal_text", "#row"), look.get(background, "#row")),
                  (f"row other lines on {background}", look.get("normal_text", "#muted"), look.get(background, "#row"))]
    pairs += [("chart level on band_a", look.get("normal_text", "#chart"), look.get("band_a", "#chart")),
              ("chart level on band_b", look.get("normal_text", "#chart"), look.get("band_b", "#chart")),
              ("chart level in the likely range", look.get("range_text", "#chart"), look.get("range_bg", "#chart")),
              ("chart most likely level", look.get("marker_text", "#chart"), look.get("marker_bg", "#chart")),
              ("web page text", look.get("normal_text", "#page"), look.get("dark_bg", "#page")),
              ("web page link", look.get("link_text", "#page"), look.get("dark_bg", "#page")),
              ("error icon mark", look.get("normal_text", "#error_icon"), look.get("normal_bg", "#error_icon"))]
    for part in GAME_PARTS:
        pairs.append((f"game {part}", look.get(f"{part}_text", "#qa_game"), look.get(f"{part}_bg", "#qa_game")))
    return pairs


def non_text_pairs(look: Look) -> list[tuple[str, str, str]]:
    """(what, colour, what it is seen against) for what must be seen but is not text."""
    ring, gap = look.get("focus_ring"), look.get("focus_gap")
    pairs = [("focus ring against its band", ring, gap)]
    for surface in SURFACES | {"taskbar": ("#taskbar", "dark_bg")}:
        block, key = (SURFACES | {"taskbar": ("#taskbar", "dark_bg")})[surface]
        under = look.get(key, block)
        if look.name == "high-contrast":
            pairs.append((f"focus ring on the {surface}", ring, under))
        else:  # the ring, or the band inside it, stands out from what is around
            best = max((ring, gap), key=lambda c: contrast(c, under))
            pairs.append((f"focus ring or its band on the {surface}", best, under))
    for block in ("text_entry_line", "text_entry_box"):
        for border in ("normal_border", "focused_border"):
            for surface in ENTRY_SURFACES:
                pairs.append((f"{block} {border} on the {surface}", look.get(border, block), look.surface(surface)))
    for state in ("normal_bg", "hovered_bg"):
        pairs.append((f"check box border on the {state} check button", look.get("normal_border", "#check_box"),
                      look.get(state, "#check", "button")))
    pairs += [("check box tick", look.get("normal_text", "#check_box"), look.get("dark_bg", "#check_box")),
              ("position bar thumb", look.get("normal_bg", "vertical_scroll_bar"),
               look.get("dark_bg", "vertical_scroll_bar"))]
    for surface in ENTRY_SURFACES:
        pairs.append((f"error icon on the {surface}", look.get("normal_bg", "#error_icon"), look.surface(surface)))
    return pairs


def failures(pairs: list[tuple[str, str, str]], minimum: float) -> list[str]:
    return [f"{where}: {a} on {b} is {contrast(a, b):.2f}:1" for where, a, b in pairs if contrast(a, b) < minimum]


@pytest.mark.parametrize("path", THEME_FILES, ids=lambda p: p.stem)
def test_every_text_is_readable_on_its_background(path):
    look = Look(path)
    pairs = text_pairs(look)
    assert len(pairs) > 80
    assert failures(pairs, TEXT_MINIMUM[look.name]) == []


@pytest.mark.parametrize("path", THEME_FILES, ids=lambda p: p.stem)
def test_what_must_be_seen_stands_out(path):
    assert failures(non_text_pairs(Look(path)), NON_TEXT_MINIMUM) == []


def test_the_lowest_ratios_per_theme():
    """The figures docs/accessibility.md gives: the lowest text contrast in each theme."""
    lowest = {path.stem: min(contrast(a, b) for _, a, b in text_pairs(Look(path))) for path in THEME_FILES}
    assert lowest["default"] >= 4.5 and lowest["high-contrast"] >= 7.0
    assert set(lowest) == set(TEXT_MINIMUM)  # a new theme states its minimum here


@pytest.mark.parametrize("path", THEME_FILES, ids=lambda p: p.stem)
def test_every_colour_is_written_rrggbb(path):
    raw = json.loads(path.read_text(encoding="utf-8"))
    written = [(block, key, value) for block, content in raw.items()
               for key, value in content.get("colours", {}).items()]
    assert len(written) > 100
    assert [w for w in written if not HEX.fullmatch(w[2])] == []


def keys(value, prefix: str = "") -> set[str]:
    if not isinstance(value, dict):
        return {prefix}
    return {k for name, inner in value.items() for k in keys(inner, f"{prefix}/{name}")}


def test_every_theme_has_the_default_themes_structure():
    """Same blocks, same colour keys: nothing falls back on a colour chosen for another theme's look."""
    default = json.loads((THEMES / "default.json").read_text(encoding="utf-8"))
    for path in THEME_FILES:
        assert keys(json.loads(path.read_text(encoding="utf-8"))) == keys(default), path.stem


def test_every_block_has_pairing_rules():
    for path in THEME_FILES:
        blocks = set(json.loads(path.read_text(encoding="utf-8")))
        assert sorted(blocks - PAIRED_BLOCKS) == [], path.stem


def test_every_style_the_code_uses_has_pairing_rules():
    used = set()
    for path in (ROOT / "game" / "ui").rglob("*.py"):
        used |= set(re.findall(r"[\"'](#[a-z_]+)[\"']", path.read_text(encoding="utf-8")))
    assert {"#secondary", "#error", "#row", "#qa_game"} <= used
    assert sorted(used - PAIRED_BLOCKS) == []


def test_no_colour_is_written_in_the_code():
    """Everything we draw takes its colours from the theme (theme.colour and friends)."""
    found = []
    for path in (ROOT / "game" / "ui").rglob("*.py"):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"[\"']#[0-9A-Fa-f]{6}", line) or re.search(r"\bColor\(", line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == []


def test_every_theme_can_be_chosen_and_has_a_name_in_every_language():
    assert theme_names() == ["default", "high-contrast"]
    for name in theme_names():
        assert Settings(theme=name).theme == name
        for locale in supported_locales():
            assert catalogue(locale).get(f"theme.{name}"), (locale, name)
