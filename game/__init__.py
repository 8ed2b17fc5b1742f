"""NUM+ game engine: scenario language, pure runtime, pygame UI."""

__version__ = "0.1.0"
APP_VERSION = __version__
