"""The game's fonts, themes, translations and QA-game data: package data, read with importlib.resources.

No code lives here; this file only makes the folder a package, so `game/paths.py` finds it the same way in
a source checkout, an installed wheel and the PyInstaller bundle.
"""
