# The two commands: `make demo` and `make test`. Both need only Python ≥ 3.11 to start.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean messages lock screenshots

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Every package at the version requirements/dev.txt pins (the lock; `make lock` refreshes it).
$(STAMP): pyproject.toml requirements/dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c requirements/dev.txt -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/acupoint demo

test: $(STAMP)
	$(BIN)/ruff check src tests bench
	bash scripts/run-tests

# Every role's workbench in Chinese and English at 390 px and 1,400 px, for review: needs
# Chromium (Debian's package `chromium`) and CJK fonts (`fonts-noto-cjk`).
screenshots: $(STAMP)
	ACUPOINT_SCREENSHOTS=var/screenshots ACUPOINT_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q \
		-p no:cacheprovider tests/e2e/test_workbenches.py tests/e2e/test_accessibility.py
	@echo "Screenshots in var/screenshots/"

lock: $(STAMP)
	scripts/lock

lint: $(STAMP)
	$(BIN)/ruff check src tests bench

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -c requirements/dev.txt -e '.[dev,bench]'
	$(BIN)/python bench/import_registry.py
	$(BIN)/python bench/enterprise_list_load.py
	$(BIN)/python bench/scorecard_scale.py --spark
	$(BIN)/python bench/uncertainty_scale.py
	$(BIN)/python bench/triage_publish.py
	$(BIN)/python bench/triage_ranking_load.py
	$(BIN)/python bench/policy_match.py

messages: $(STAMP)
	cd src/acupoint && DEBUG=1 ../../$(BIN)/django-admin makemessages -l zh_Hans --settings=acupoint.site.settings --no-obsolete --no-location -i "demo/*"
	cd src/acupoint && DEBUG=1 ../../$(BIN)/django-admin compilemessages --settings=acupoint.site.settings

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
