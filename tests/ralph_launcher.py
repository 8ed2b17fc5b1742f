"""Start a Ralph LRS (filesystem backend) on an inherited listening socket.

Run by `tests/lrs_support.py` with `.venv-ralph/bin/python`, never with the game's venv:
    python -I ralph_launcher.py FD PARENT_PID
FD is a listening TCP socket on 127.0.0.1 that the test process bound and passed down
(`pass_fds`), so no other process can take the port between choosing it and serving it.
When PARENT_PID (the test process) goes away without stopping the server (killed, crashed),
the server stops itself instead of living on as an orphan.

Everything else comes from RALPH_* environment variables set by the caller
(RALPH_RUNSERVER_BACKEND=fs, RALPH_AUTH_FILE, RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH...).
"""

from __future__ import annotations

import os
import signal
import socket
import sys
import threading
import time

# Upstream bug in Ralph 5.1.0: the filesystem backend writes with operation type CREATE, which
# refuses to write to an existing file, so only the first POST is stored and every later POST
# answers 500. APPEND adds to the one statements file instead. Set before the app is imported.
from ralph.backends.data.base import BaseOperationType
from ralph.backends.data.fs import FSDataBackend

FSDataBackend.default_operation_type = BaseOperationType.APPEND

import uvicorn


def stop_when_orphaned(parent_pid: int) -> None:
    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os.kill(os.getpid(), signal.SIGTERM)  # uvicorn shuts down gracefully on SIGTERM

    threading.Thread(target=watch, name="orphan-watch", daemon=True).start()


def main() -> None:
    fd = int(sys.argv[1])
    if len(sys.argv) > 2:
        stop_when_orphaned(int(sys.argv[2]))
    sock = socket.socket(fileno=fd)  # family and type are read from the descriptor
    config = uvicorn.Config(
        "ralph.api:app",
        log_level="info",
        access_log=True,
        timeout_graceful_shutdown=2,
    )
    uvicorn.Server(config).run(sockets=[sock])


if __name__ == "__main__":
    main()
