#!/usr/bin/env bash
# ansible-test sanity with no ignore file, in per-test virtual environments, on the Python of the venv whose bin
# directory is given (ansible-test ships with ansible-core: the venv's ansible-core is the release tested).
# ansible-test bootstraps pip in those with a script it downloads from a host this machine cannot reach;
# the stand-in below does the same job offline with the interpreter's own ensurepip.
# Usage: .ci/sanity.sh <venv bin dir> <collection copy at .../ansible_collections/fleetops/ping> [ansible-test sanity options]
set -euo pipefail
bin=$1
coll=$2
shift 2
# ansible-test looks for pythonX.Y on PATH: the venv's comes first (a pyenv shim of that name may not run).
export PATH="$bin:$PATH"
python_version=$("$bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
core=$("$bin/python" -c 'from ansible.release import __version__; print(__version__)')
cache=$HOME/.ansible/test/cache
mkdir -p "$cache"
req_py=$("$bin/python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"))')
pip_version=$(grep -oE "pip='[0-9.]+'" "$req_py" | head -1 | grep -oE '[0-9.]+')
cat > "$cache/get_pip_${pip_version//./_}.py" <<'PY'
# Offline stand-in for get-pip.py: pip from the interpreter's own ensurepip, then what was asked.
import subprocess
import sys
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install'] + args))
PY
if [ -e "$coll/tests/sanity" ] && ls "$coll"/tests/sanity/ignore-*.txt >/dev/null 2>&1; then
  echo "sanity: ignore files are not allowed" >&2
  exit 1
fi
cd "$coll"
echo "sanity: ansible-test sanity of ansible-core $core on Python $python_version${*:+ ($*)}"
SECONDS=0
"$bin/ansible-test" sanity --venv --python "$python_version" --color no "$@"
echo "sanity: ansible-core $core: passed (${SECONDS}s)"

