#!/usr/bin/env bash
# ansible-test bootstraps pip in its virtual environments with a script it downloads from a host this machine
# cannot reach; this writes an offline stand-in into ansible-test's cache that does the same job with the
# interpreter's own ensurepip. `make sanity`, `make sanity-2.20` and `make units` call it first.
# Usage: .ci/get-pip-standin.sh <venv bin dir>
set -euo pipefail
bin=$1
cache=$HOME/.ansible/test/cache
mkdir -p "$cache"
req_py=$("$bin/python" -c 'import ansible_test, os; print(os.path.join(os.path.dirname(ansible_test.__file__), "_internal", "python_requirements.py"))')
pip_version=$(grep -oE "pip='[0-9.]+'" "$req_py" | head -1 | grep -oE '[0-9.]+')
if [ -z "$pip_version" ]; then
  echo "get-pip-standin: could not read the pip version from $req_py" >&2
  exit 1
fi
cat > "$cache/get_pip_${pip_version//./_}.py" <<'PY'
# Offline stand-in for get-pip.py: pip from the interpreter's own ensurepip, then what was asked.
import subprocess
import sys
args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
sys.exit(subprocess.call([sys.executable, '-m', 'pip', 'install'] + args))
PY
