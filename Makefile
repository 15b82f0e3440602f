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
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --durations=10 tests/integration

lint: venv
	ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(BUILD)/collection $(BIN)/ansible-lint --profile production --offline

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

test: sanity units integration lint changelog-lint oldest-core release-check
	@echo "make test: sanity, units, integration, lint, changelog lint, oldest ansible-core and release checks all passed"

# The oldest ansible-core that meta/runtime.yml claims, in its own venv (requirements-oldest-core.txt).
OLDEST_VENV := $(BUILD)/venv-oldest-core
$(OLDEST_VENV)/bin/ansible-playbook: requirements-oldest-core.txt
	rm -rf $(OLDEST_VENV)
	$(PYTHON) -m venv $(OLDEST_VENV)
	$(OLDEST_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-oldest-core.txt
	touch $@

.PHONY: oldest-core
oldest-core: $(OLDEST_VENV)/bin/ansible-playbook
	.ci/oldest-core.sh $(OLDEST_VENV)/bin

# Release tools in their own venv (requirements-release.txt): galaxy-importer pins its own ansible-lint range.
RELEASE_VENV := $(BUILD)/venv-release
$(RELEASE_VENV)/bin/ansible-builder: requirements-release.txt
	rm -rf $(RELEASE_VENV)
	$(PYTHON) -m venv $(RELEASE_VENV)
	$(RELEASE_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-release.txt
	touch $@

.PHONY: release-check
release-check: $(RELEASE_VENV)/bin/ansible-builder
	.ci/release-check.sh $(RELEASE_VENV)/bin

# The build context of the example execution environment (docs/execution-environment.yml), with the
# collection tarball in it: `podman build -f build/ee/context/Containerfile build/ee/context` builds the image.
.PHONY: ee-context
ee-context: $(RELEASE_VENV)/bin/ansible-builder
	rm -rf build/ee && mkdir -p build/ee
	$(RELEASE_VENV)/bin/ansible-galaxy collection build --force --output-path build/ee .
	mv build/ee/fleetops-ping-*.tar.gz build/ee/fleetops-ping.tar.gz
	$(RELEASE_VENV)/bin/ansible-builder create -f docs/execution-environment.yml -c build/ee/context --output-filename Containerfile

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

# The fleet task against the listing at 10,000 and 100,000 SIMs; BENCH_FLEET_ARGS=--per-host adds the per-host
# path over the inventory (many minutes).
.PHONY: bench-fleet
bench-fleet: venv
	$(BIN)/python benchmarks/fleet.py $(BENCH_FLEET_ARGS)

clean:
	rm -rf $(BUILD) tests/output
