"""The entry point of the PyInstaller bundle (numplus.spec): the `numplus` command, as in a Python install."""

from game.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
