# `make run` serves the API locally on an embedded DynamoDB; `make test` runs every test;
# `make docs` writes each face's OpenAPI document to docs/openapi/;
# `make synth` writes the CloudFormation templates of infra/deployments.json to infra/cdk.out.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
# aws-cdk-lib is ~430 MB: only the infra tests and `make synth` need it, not `make run`.
INFRA_STAMP := $(VENV)/.installed-infra

.PHONY: install run test conformance bench docs synth clean chromium

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	# chalice 1.34 requires pip < 26.3: upgrading past it would only be undone again.
	$(PY) -m pip install --quiet --upgrade "pip<26.3"
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

$(INFRA_STAMP): $(STAMP) infra/requirements.txt
	$(PY) -m pip install --quiet -r requirements-dev.txt -r infra/requirements.txt
	touch $(INFRA_STAMP)

install: $(INFRA_STAMP)

run: $(STAMP)
	$(PY) -m tools.run_local

# The docs page's browser test needs Chromium (Debian's package; nothing is downloaded otherwise).
chromium:
	tools/ensure_chromium

test: $(INFRA_STAMP) chromium
	$(PY) -m pytest -n 2

# The server, started as `make run` starts it, against each face's OpenAPI document (schemathesis).
conformance: $(STAMP)
	$(PY) -m pytest tests/blackbox/test_conformance.py

bench: $(STAMP)
	$(PY) -m bench.run

docs: $(STAMP)
	$(PY) -m tools.openapi_docs

synth: $(INFRA_STAMP)
	$(PY) infra/app.py

clean:
	rm -rf $(VENV) .pytest_cache infra/cdk.out infra/chalice.out
