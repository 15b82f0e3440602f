#!/usr/bin/env bash
# make demo: build and install the collection, start the simulator on 127.0.0.1, run playbooks/demo.yml twice
# (the first run changes things, the second must report changed=0), then stop the simulator.
set -euo pipefail
bin=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/build/demo
rm -rf "$work"
mkdir -p "$work"
cd "$root"

"$bin/ansible-galaxy" collection build --force --output-path "$work" "$root" >/dev/null
"$bin/ansible-galaxy" collection install --force -p "$work/collections" "$work"/fleetops-ping-*.tar.gz >/dev/null
echo "demo: collection built and installed in $work/collections"

"$bin/python" -m tests.simulator --port 0 --port-file "$work/sim-url" >"$work/simulator.log" 2>&1 &
sim_pid=$!
trap 'kill "$sim_pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -s "$work/sim-url" ] && break
  kill -0 "$sim_pid" 2>/dev/null || { cat "$work/simulator.log"; exit 1; }
  sleep 0.1
done
sim_url=$(cat "$work/sim-url")
echo "demo: simulator listening on $sim_url"

export ANSIBLE_COLLECTIONS_PATH="$work/collections"
export FLEETOPS_PING_CACHE_DIR="$work/token-cache"
export ANSIBLE_NOCOLOR=1
run() {
  "$bin/ansible-playbook" -i playbooks/inventory playbooks/demo.yml -e "sim_url=$sim_url" | tee "$work/run$1.log"
}
echo "demo: first run (changes what differs)"
run 1
echo "demo: second run (must report changed=0)"
run 2
changed1=$(grep -E '^\S+ +: ok=' "$work/run1.log" | grep -vc 'changed=0' || true)
changed2=$(grep -E '^\S+ +: ok=' "$work/run2.log" | grep -vc 'changed=0' || true)
if [ "$changed1" -eq 0 ]; then
  echo "demo: FAILED: the first run changed nothing" >&2
  exit 1
fi
if [ "$changed2" -ne 0 ]; then
  echo "demo: FAILED: the second run reported changes on $changed2 host(s)" >&2
  exit 1
fi
echo "demo: OK: first run changed $changed1 host(s); second run changed=0 on every host"
