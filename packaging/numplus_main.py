"""The entry point of the PyInstaller bundle (numplus.spec): the `numplus` command, as in a Python install."""

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["--speech-worker"]:  # read-aloud's worker process (game/speech.py), not a command
        from game.speech_worker import main as speech_worker

        raise SystemExit(speech_worker(sys.argv[2:]))
    from game.cli import main

    raise SystemExit(main())
