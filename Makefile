# fleetops.ping: the two commands README.md gives are `make demo` and `make test`.
# The tool chain (.venv, requirements-dev.txt: ansible-core 2.21) runs on Python 3.13, which .ci/python.sh
# builds from Debian's source on first use and caches in ~/.cache/fleetops-ping-ci (once per machine).
# PYTHON (3.11, the machine's own) makes the venv of the oldest ansible-core that meta/runtime.yml claims.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
BUILD  := build
pyver   = $(shell $(1)/python -c 'import sys; print("%d.%d" % sys.version_info[:2])')
COLL   := $(BUILD)/collection/ansible_collections/fleetops/ping
SHELL  := /bin/bash

.PHONY: demo test venv collection sanity units integration lint changelog-lint bench bench-listing clean

# A venv on the cached Python 3.13 (built first if it is not cached yet): make_venv DIR REQUIREMENTS
define make_venv
	rm -rf $(1)
	py=$$(.ci/python.sh) && "$$py" -m venv $(1)
	$(1)/bin/python -m pip install --quiet --disable-pip-version-check -r $(2)
endef

$(BIN)/ansible-playbook: requirements-dev.txt
	$(call make_venv,$(VENV),requirements-dev.txt)
	touch $@

venv: $(BIN)/ansible-playbook

# Python 3.13 from Debian's source, cached (.ci/python.sh); prints where it is.
.PHONY: python
python:
	.ci/python.sh

# A copy of the collection at an ansible_collections/<namespace>/<name> path, as ansible-test needs.
collection: venv
	.ci/copy-collection.sh $(COLL)

demo: venv
	.ci/demo.sh $(BIN)

sanity: collection
	.ci/sanity.sh $(CURDIR)/$(BIN) $(COLL)

units: collection
	.ci/get-pip-standin.sh $(CURDIR)/$(BIN)
	cd $(COLL) && PATH=$(CURDIR)/$(BIN):$$PATH $(CURDIR)/$(BIN)/ansible-test units --venv --python $(call pyver,$(BIN)) --color no

integration: venv
	$(BIN)/python -m pytest -q -p no:cacheprovider -n 2 --durations=10 tests/integration

lint: collection
	PATH=$(CURDIR)/$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/$(BUILD)/collection $(BIN)/ansible-lint --profile production --offline

changelog-lint: venv
	$(BIN)/antsibull-changelog lint

# The legs of make test, one after the other, each timed: Python 3.13 (built or cached), the tool chain's venv,
# everything on ansible-core 2.21, ansible-test sanity on 2.20, the oldest ansible-core leg, the release checks.
TEST_LEGS := python venv sanity units integration lint changelog-lint sanity-2.20 oldest-core release-check
test:
	@set -e; total=$$(date +%s); \
	for leg in $(TEST_LEGS); do \
	  start=$$(date +%s); echo "make test: $$leg"; \
	  $(MAKE) --no-print-directory $$leg; \
	  echo "make test: $$leg passed ($$(( $$(date +%s) - start ))s)"; \
	done; \
	echo "make test: $(TEST_LEGS) all passed ($$(( $$(date +%s) - total ))s)"

# ansible-test ships with ansible-core, so sanity runs per release: 2.20 too, in its own venv on Python 3.13.
CORE220_VENV := $(BUILD)/venv-core-2.20
$(CORE220_VENV)/bin/ansible-test: .ci/requirements-sanity-2.20.txt
	$(call make_venv,$(CORE220_VENV),.ci/requirements-sanity-2.20.txt)
	touch $@

.PHONY: sanity-2.20
# pylint, the longest test, runs on 2.21 only: the code it judges is the same, and 2.20 would cost minutes more.
sanity-2.20: collection $(CORE220_VENV)/bin/ansible-test
	.ci/sanity.sh $(CURDIR)/$(CORE220_VENV)/bin $(COLL) --skip-test pylint

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
	$(call make_venv,$(RELEASE_VENV),requirements-release.txt)
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
