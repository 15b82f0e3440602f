# fleetops.ping: the two commands README.md gives are `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BUILD  := build
COLL   := $(BUILD)/collection/ansible_collections/fleetops/ping
SHELL  := /bin/bash

.PHONY: demo test venv collection sanity units integration lint changelog-lint bench bench-listing clean

$(BIN)/ansible-playbook: requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

venv: $(BIN)/ansible-playbook

# A copy of the collection at an ansible_collections/<namespace>/<name> path, as ansible-test needs.
collection: venv
	.ci/copy-collection.sh $(COLL)

demo: venv
	.ci/demo.sh $(BIN)

sanity: collection
	.ci/sanity.sh $(CURDIR)/$(BIN) $(COLL)

units: collection
	cd $(COLL) && $(CURDIR)/$(BIN)/ansible-test units --venv --python 3.11 --color no

integration: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/integration

lint: venv
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(BUILD)/collection $(BIN)/ansible-lint --profile production --offline

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

test: sanity units integration lint changelog-lint
	@echo "make test: sanity, units, integration, lint and changelog lint all passed"

bench: venv
	$(BIN)/python benchmarks/bulk_imei.py

bench-listing: venv
	$(BIN)/python benchmarks/listing.py

.PHONY: bench-inventory
bench-inventory: venv
	$(BIN)/python benchmarks/inventory.py

.PHONY: bench-ratelimit
bench-ratelimit: venv
	$(BIN)/python benchmarks/ratelimit.py

clean:
	rm -rf $(BUILD) tests/output
