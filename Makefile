# The two commands a newcomer needs (README): `make serve` and `make test`.
# Both build the virtual environment and the message catalogs first.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: serve test system-packages messages lint clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "tcloud needs Python 3.11")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

messages: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: apt-get install gettext"; exit 1; }
	TCLOUD_DEMO=true $(BIN)/python manage.py compilemessages --ignore=.venv -v0

# Serve the site with demo data on http://127.0.0.1:8000/: the demo mode
# (TCLOUD_DEMO) with SQLite and in-process jobs unless DATABASE_URL / REDIS_URL
# are set. Without TCLOUD_DEMO the site runs as production and needs every setting.
serve: export TCLOUD_DEMO = true
serve: messages
	$(BIN)/python manage.py migrate --noinput -v0
	$(BIN)/python manage.py seed_demo
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# Check the layers (pyproject: [tool.importlinter]), then run every test.
# Installs the system packages the tests need when it may, and starts a
# throwaway PostgreSQL / Redis for the run when the configured ones
# (TEST_DATABASE_URL, TEST_REDIS_URL; 127.0.0.1 by default) do not answer
# (tests/services.py).
test: system-packages messages
	$(BIN)/lint-imports --no-cache
	$(BIN)/python -m pytest $(PYTEST_ARGS)

system-packages:
	@sh tests/system-packages.sh

lint: $(STAMP)
	$(BIN)/python -m ruff check .
	DJANGO_SETTINGS_MODULE=tcloud.test_settings $(BIN)/python manage.py makemigrations --check --dry-run

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 test-artifacts
	find locale -name '*.mo' -delete
