#!/usr/bin/env bash
# ansible-test sanity with no ignore file, in per-test virtual environments, on the Python of the venv whose bin
# directory is given (ansible-test ships with ansible-core: the venv's ansible-core is the release tested).
# ansible-test bootstraps pip in those with a script it downloads from a host this machine cannot reach;
# .ci/get-pip-standin.sh puts an offline stand-in in its place.
# Usage: .ci/sanity.sh <venv bin dir> <collection copy at .../ansible_collections/fleetops/ping> [ansible-test sanity options]
set -euo pipefail
bin=$1
coll=$2
shift 2
# ansible-test looks for pythonX.Y on PATH: the venv's comes first (a pyenv shim of that name may not run).
export PATH="$bin:$PATH"
python_version=$("$bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
core=$("$bin/python" -c 'from ansible.release import __version__; print(__version__)')
"$(dirname "$0")/get-pip-standin.sh" "$bin"
if [ -e "$coll/tests/sanity" ] && ls "$coll"/tests/sanity/ignore-*.txt >/dev/null 2>&1; then
  echo "sanity: ignore files are not allowed" >&2
  exit 1
fi
cd "$coll"
echo "sanity: ansible-test sanity of ansible-core $core on Python $python_version${*:+ ($*)}"
SECONDS=0
"$bin/ansible-test" sanity --venv --python "$python_version" --color no "$@"
echo "sanity: ansible-core $core: passed (${SECONDS}s)"

