#!/usr/bin/env bash
# make oldest-core: the tests that need no extra tools, on the oldest ansible-core that meta/runtime.yml
# claims (requires_ansible), in its own virtual environment: the unit tests (pytest), and integration
# tests against the simulator on the in-process path, which uses ansible-core's internals most (the
# action plugins validate arguments and run the module logic inside the controller's worker), plus the
# parity tests (the same tasks in-process and as real modules, results compared).
# Usage: .ci/oldest-core.sh <bin dir of the venv made from requirements-oldest-core.txt>
set -euo pipefail
bin=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

claimed=$("$bin/python" -c 'import yaml; print(yaml.safe_load(open("meta/runtime.yml"))["requires_ansible"])')
lowest=$(echo "$claimed" | sed -nE 's/^ *>= *([0-9]+\.[0-9]+).*/\1/p')
installed=$("$bin/python" -c 'from ansible.release import __version__; print(__version__)')
[ -n "$lowest" ] || { echo "oldest-core: cannot read a lower bound from requires_ansible: $claimed" >&2; exit 1; }
if [ "${installed%.*}" != "$lowest" ]; then
  echo "oldest-core: requires_ansible is '$claimed' but requirements-oldest-core.txt installs ansible-core $installed" >&2
  exit 1
fi
echo "oldest-core: ansible-core $installed on Python $("$bin/python" -c 'import platform; print(platform.python_version())'),\
 the oldest that requires_ansible '$claimed' claims"

# Unit tests import the collection as ansible_collections.fleetops.ping.
tree=$root/build/oldest-core
rm -rf "$tree"
mkdir -p "$tree/ansible_collections/fleetops"
ln -s "$root" "$tree/ansible_collections/fleetops/ping"
SECONDS=0
(cd "$tree/ansible_collections/fleetops/ping" && PYTHONPATH=$tree "$bin/python" -m pytest -q -p no:cacheprovider tests/unit)
echo "oldest-core: unit tests passed (${SECONDS}s)"

# The integration tests that exercise what differs between ansible-core releases, on the in-process path (the
# playbooks of every module, the inventory plugins, the drift gate, the inventory reading, the per-host fleet under
# a rate limit), plus the parity tests, which run both paths and compare. Left to the 2.21 leg: the tests whose
# subject is the shared HTTP layer or the simulator's scale (hostile answers, the 5,000-SIM fleet task, the
# rate-limit styles) and the deprecation check, which concerns the newest releases.
SECONDS=0
"$bin/python" -m pytest -q -p no:cacheprovider -n 2 -k 'not module' tests/integration/test_playbooks.py \
  tests/integration/test_inventory.py tests/integration/test_drift.py tests/integration/test_reading.py \
  tests/integration/test_fleet.py tests/integration/test_parity.py
echo "oldest-core: in-process integration and parity tests passed (${SECONDS}s)"
echo "oldest-core: OK on ansible-core $installed"
