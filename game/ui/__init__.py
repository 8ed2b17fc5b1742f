"""The pygame view: scenes that read runtime state and send actions. The only package importing pygame."""

import os

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
