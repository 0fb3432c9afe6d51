# Two commands matter: `make demo` and `make test`. Everything else supports them.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEMO_DATA ?= demo-data
DEMO_PORT ?= 8000
# Debian packages the tests use as independent checkers (tor and nginx check the shipped
# configs) and the browser test needs.
APT_PACKAGES := age libimage-exiftool-perl libarchive-zip-perl mat2 ffmpeg chromium fonts-wqy-microhei tor nginx
APT_TOOLS := age exiftool mat2 ffmpeg chromium tor nginx

.PHONY: demo test test-pg reliability bench install system-deps translations clean-demo

# A fresh Debian lacks Python's venv module (package python3-venv): install it when
# root, otherwise say what to install.
$(PY):
	@$(PYTHON) -m venv $(VENV) 2>/dev/null || { \
		rm -rf $(VENV); \
		if [ "$$(id -u)" = "0" ]; then \
			echo "installing python3-venv"; \
			DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
			DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				python3-venv >/dev/null && \
			$(PYTHON) -m venv $(VENV); \
		else \
			echo "cannot create $(VENV): install Python's venv module (sudo apt-get install python3-venv)"; \
			exit 1; \
		fi; }

# Re-install only when pyproject.toml changes (the stamp is newer otherwise).
$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

system-deps:
	@missing=""; for tool in $(APT_TOOLS); do command -v $$tool >/dev/null 2>&1 || missing="$$missing $$tool"; done; \
	perl -MArchive::Zip -e1 >/dev/null 2>&1 || missing="$$missing Archive::Zip(exiftool-reads-office-files)"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = "0" ]; then \
		echo "installing Debian packages for:$$missing"; \
		DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(APT_PACKAGES) >/dev/null; \
	else \
		echo "missing tools:$$missing"; \
		echo "install them with: sudo apt-get install $(APT_PACKAGES)"; \
		echo "(tests that need a missing tool are skipped)"; \
	fi

demo: $(STAMP)
	$(VENV)/bin/portal demo --data $(DEMO_DATA) --port $(DEMO_PORT)

test: system-deps $(STAMP)
	$(PY) -m pytest

# The same suite against PostgreSQL and Redis (every app fixture uses them; each test
# gets a fresh schema). .ci/run starts the local services and runs both.
TEST_DATABASE_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
TEST_REDIS_URL ?= redis://127.0.0.1:6379/15
test-pg: system-deps $(STAMP)
	PORTAL_TEST_DATABASE_URL=$(TEST_DATABASE_URL) PORTAL_TEST_REDIS_URL=$(TEST_REDIS_URL) \
		$(PY) -m pytest

# The reliability suites alone (make test runs them too), then ONE table of what they
# measured: sent, acknowledged, verified, lost, leaked, 5xx, kills, hostile cases.
reliability: system-deps $(STAMP)
	@figures=$$(mktemp -d); \
	RELIABILITY_FIGURES=$$figures $(PY) -m pytest -m reliability tests/reliability; \
	status=$$?; echo; $(PY) -m tests.reliability.report $$figures; report=$$?; \
	rm -rf $$figures; [ $$status -eq 0 ] && [ $$report -eq 0 ]

bench: $(STAMP)
	@set -e; for module in bench/*.py; do \
		name=$$(basename $$module .py); \
		[ "$$name" = "__init__" ] && continue; \
		echo "== bench.$$name"; \
		$(PY) -m bench.$$name; \
	done

# Refresh the message catalogs after changing user-facing text.
translations: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -k N_ -o portal/translations/messages.pot --no-location --omit-header .
	$(VENV)/bin/pybabel update -i portal/translations/messages.pot -d portal/translations --no-fuzzy-matching
	$(VENV)/bin/pybabel compile -d portal/translations --statistics

clean-demo:
	rm -rf $(DEMO_DATA)
