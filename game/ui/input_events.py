"""Real pygame input events for a click, a key chord or typed text (headless play and tests)."""

from __future__ import annotations

import pygame

MODIFIERS = {"ctrl": pygame.KMOD_CTRL, "shift": pygame.KMOD_SHIFT, "alt": pygame.KMOD_ALT}
KEY_NAMES = {"enter": "return", "esc": "escape", "pageup": "page up", "pagedown": "page down"}


def key_chord(chord: str) -> tuple[int, int]:
    """'shift+tab' -> (key code, modifier mask)."""
    *mods, name = chord.lower().split("+")
    mask = 0
    for mod in mods:
        mask |= MODIFIERS[mod]
    return pygame.key.key_code(KEY_NAMES.get(name, name)), mask


def key_down(chord: str) -> list[pygame.event.Event]:
    key, mod = key_chord(chord)
    return [pygame.event.Event(pygame.KEYDOWN, key=key, mod=mod, scancode=0, unicode="", window=None)]


def key_up(chord: str) -> list[pygame.event.Event]:
    key, mod = key_chord(chord)
    return [pygame.event.Event(pygame.KEYUP, key=key, mod=mod, scancode=0, unicode="", window=None)]


def key_events(chord: str) -> list[pygame.event.Event]:
    key, mod = key_chord(chord)
    common = {"key": key, "mod": mod, "scancode": 0, "unicode": "", "window": None}
    return [pygame.event.Event(pygame.KEYDOWN, common), pygame.event.Event(pygame.KEYUP, common)]


def click_events(pos: tuple[int, int]) -> list[pygame.event.Event]:
    return [
        pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0), touch=False, window=None),
        pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=pos, button=1, touch=False, window=None),
        pygame.event.Event(pygame.MOUSEBUTTONUP, pos=pos, button=1, touch=False, window=None),
    ]


def text_events(text: str) -> list[pygame.event.Event]:
    events: list[pygame.event.Event] = []
    for char in text:
        if char == "\n":
            events.extend(key_events("return"))
        else:
            events.append(pygame.event.Event(pygame.TEXTINPUT, text=char, window=None))
    return events


def wheel_event(rows: int, pos: tuple[int, int]) -> list[pygame.event.Event]:
    return [
        pygame.event.Event(pygame.MOUSEMOTION, pos=pos, rel=(0, 0), buttons=(0, 0, 0), touch=False, window=None),
        pygame.event.Event(pygame.MOUSEWHEEL, x=0, y=rows, flipped=False, precise_x=0.0, precise_y=float(rows),
                           touch=False, window=None),
    ]
