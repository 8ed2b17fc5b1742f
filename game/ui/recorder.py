"""`numplus play --record FILE`: write the walkthrough of what an author does, by element id."""

from __future__ import annotations

from pathlib import Path

import pygame
from ruamel.yaml import YAML

RECORDED_KEYS = {
    pygame.K_TAB: "tab", pygame.K_RETURN: "enter", pygame.K_KP_ENTER: "enter", pygame.K_ESCAPE: "escape",
    pygame.K_BACKSPACE: "backspace", pygame.K_DELETE: "delete", pygame.K_UP: "up", pygame.K_DOWN: "down",
    pygame.K_LEFT: "left", pygame.K_RIGHT: "right", pygame.K_HOME: "home", pygame.K_END: "end",
}


class Recorder:
    def __init__(self, path: Path, scenario_id: str | None):
        self.path = path
        self.scenario_id = scenario_id
        self.steps: list[dict] = []

    def observe(self, event: pygame.event.Event, app) -> None:
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            element = app.tree.at(event.pos)
            if element is not None:
                self.steps.append({"click": element.id})
                self.save()
        elif event.type == pygame.TEXTINPUT:
            focused = app.focus.focused
            if focused is not None and focused.is_text_input:
                if self.steps and "type" in self.steps[-1]:
                    self.steps[-1]["type"] += event.text
                else:
                    self.steps.append({"type": event.text})
        elif event.type == pygame.KEYDOWN and event.key in RECORDED_KEYS:
            name = RECORDED_KEYS[event.key]
            if event.mod & pygame.KMOD_SHIFT:
                name = "shift+" + name
            if event.mod & pygame.KMOD_CTRL:
                name = "ctrl+" + name
            self.steps.append({"key": name})
            self.save()
        elif event.type == pygame.KEYDOWN and event.key == pygame.K_SPACE:
            focused = app.focus.focused
            if focused is not None and not focused.is_text_input:
                self.steps.append({"key": "space"})
                self.save()

    def save(self) -> None:
        if not self.steps:
            return
        data = {"scenario": self.scenario_id or "", "steps": self.steps, "expect": {"outcome": "completed"}}
        yaml = YAML()
        yaml.default_flow_style = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        with tmp.open("w", encoding="utf-8") as handle:
            yaml.dump(data, handle)
        tmp.replace(self.path)
