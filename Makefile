# Two commands do all the set-up on a fresh Debian machine with Python 3.11:
#   make play   installs into .venv if needed, then starts the game
#   make test   installs what tests need (system packages too), builds the bundle, then runs the suite
#   make dist   builds the one-folder program dist/numplus/ with PyInstaller (docs/build.md)
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
# A real Ralph LRS for the delivery tests, in a venv of its own: its dependencies never mix with the game's.
# Its lrs,cli extras forget `requests`, which it imports. The stamp names the version: a new pin reinstalls.
RALPH_VERSION := 5.1.0
RALPH_VENV := .venv-ralph
RALPH_STAMP := $(RALPH_VENV)/.installed-$(RALPH_VERSION)
APT_PACKAGES := xvfb xauth poppler-utils espeak-ng

.PHONY: play test dist install install-test install-ralph system-packages clean

# Debian ships venv apart (python3-venv): install it when creating the venv fails.
$(BIN)/python:
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { rm -rf $(VENV); \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-venv >/dev/null; \
		$(PYTHON) -m venv $(VENV); }
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,research]'
	touch $@

$(VENV)/.installed-build: pyproject.toml $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[build]'
	touch $@

$(RALPH_VENV)/bin/python:
	@$(PYTHON) -m venv $(RALPH_VENV) 2>/dev/null || { rm -rf $(RALPH_VENV); \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq python3-venv >/dev/null; \
		$(PYTHON) -m venv $(RALPH_VENV); }
	$(RALPH_VENV)/bin/python -m pip install --quiet --upgrade pip

$(RALPH_STAMP): | $(RALPH_VENV)/bin/python
	$(RALPH_VENV)/bin/python -m pip install --quiet 'ralph-malph[lrs,cli]==$(RALPH_VERSION)' requests
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test
install-ralph: $(RALPH_STAMP)

play: install
	$(BIN)/numplus play

# System packages the tests use (Xvfb for the real-window screenshot test, poppler-utils to read PDF reports,
# espeak-ng to render read-aloud speech to WAV files).
system-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
		echo "Installing system packages:$$missing"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi

# The bundle: rebuilt when a file it is made from changes. PyInstaller works under build/pyinstaller;
# dist/ holds the bundle and nothing else.
DIST_SOURCES := numplus.spec pyproject.toml \
	$(shell find packaging game scoring sync assets scenarios -type f ! -path '*/__pycache__/*' 2>/dev/null)

dist/numplus/numplus: $(DIST_SOURCES) $(VENV)/.installed-build
	rm -rf dist
	$(BIN)/pyinstaller --noconfirm --log-level WARN --distpath dist --workpath build/pyinstaller numplus.spec
	touch $@

dist: dist/numplus/numplus

test: install-test install-ralph system-packages dist
	SDL_VIDEODRIVER=dummy SDL_AUDIODRIVER=dummy $(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) build dist *.egg-info
