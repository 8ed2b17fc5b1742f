"""The QA game's own texts (title, HUD, menu, captions...) and which of them each screen shows.

They live in assets/qa/texts.yaml, not in NUM+'s interface catalogue: they are part of the game
under test, and a seeded `text_typo` bug swaps one of them for a wrong one. Level names come from
the levels file, under the keys `level.<id>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import RootModel, StringConstraints, model_validator

from game.paths import ASSETS
from game.qa.levels import Level, read_validated
from game.qa.vocabulary import SOUNDS
from game.scenario.texts import LocaleText

TEXTS_FILE = ASSETS / "qa" / "texts.yaml"

TITLE_KEYS = ("title.name", "title.start", "title.controls", "title.build")
HUD_KEYS = ("hud.score", "hud.lives", "hud.time")
PAUSE_KEYS = ("pause.title", "pause.hint")
MENU_KEYS = ("menu.title", "menu.resume", "menu.quit")
CRASH_KEYS = ("crash.title", "crash.text", "crash.hint")
END_KEYS = ("level_done.title", "game_over.title", "finished.title", "end.hint")
CAPTION_KEYS = tuple(f"caption.{sound}" for sound in SOUNDS)
FIXED_KEYS = TITLE_KEYS + HUD_KEYS + PAUSE_KEYS + MENU_KEYS + CRASH_KEYS + END_KEYS + CAPTION_KEYS

TextKey = Annotated[str, StringConstraints(pattern=r"^[a-z_]+(\.[a-z_0-9-]+)+$")]


class TextTable(RootModel[dict[TextKey, LocaleText]]):
    @model_validator(mode="after")
    def _complete(self) -> TextTable:
        missing = [key for key in FIXED_KEYS if key not in self.root]
        if missing:
            raise ValueError(f"missing texts: {', '.join(missing)}")
        unknown = [key for key in self.root if key not in FIXED_KEYS]
        if unknown:
            raise ValueError(f"texts the game never shows: {', '.join(unknown)}")
        return self


@cache
def load_texts(path: Path = TEXTS_FILE) -> dict[str, dict[str, str]]:
    return dict(read_validated(path, TextTable).root)


def text_table(levels: Sequence[Level]) -> dict[str, dict[str, str]]:
    """Every text key the game can show, with its locale map."""
    table = dict(load_texts())
    table.update({level_key(level.id): dict(level.name) for level in levels})
    return table


def level_key(level_id: str) -> str:
    return f"level.{level_id}"


def shown_keys(mode: str, level_id: str | None, sounds: Sequence[str], captions: bool) -> tuple[str, ...]:
    """The text keys on screen in `mode`: what a text_typo bug needs to be seen."""
    in_level = HUD_KEYS + ((level_key(level_id),) if level_id else ())
    keys: tuple[str, ...] = {
        "title": TITLE_KEYS,
        "playing": in_level,
        "paused": in_level + PAUSE_KEYS,
        "menu": in_level + MENU_KEYS,
        "level_done": in_level + ("level_done.title",),
        "game_over": ("game_over.title", "end.hint"),
        "finished": ("finished.title", "end.hint"),
        "crashed": CRASH_KEYS,
    }[mode]
    if captions:
        keys += tuple(f"caption.{sound}" for sound in sounds)
    return keys
