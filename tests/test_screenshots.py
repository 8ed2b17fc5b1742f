"""The game in a real X11 window under Xvfb: screenshots of the mail client are real renders, not blank."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pygame

ROOT = Path(__file__).resolve().parent.parent


def test_mail_client_in_a_real_window_under_xvfb(tmp_path):
    assert shutil.which("xvfb-run"), "xvfb-run is missing: `make test` installs it (Debian package xvfb)"
    env = {**os.environ, "SDL_VIDEODRIVER": "x11", "NUMPLUS_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1280x720x24", sys.executable, "-m",
                           "game.ui.screenshots", str(tmp_path)], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    image = pygame.image.load(str(tmp_path / "mail.png"))
    assert image.get_size() == (1280, 720)
    colours = {tuple(image.get_at((x, y)))[:3] for x in range(0, 1280, 16) for y in range(0, 720, 16)}
    assert len(colours) > 10  # a drawn mail client, not an empty window
    taskbar = tuple(image.get_at((640, 710)))[:3]
    assert taskbar == (0x24, 0x34, 0x47)  # the desktop's taskbar is there
