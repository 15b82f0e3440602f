#!/usr/bin/env bash
# ansible-test sanity with no ignore file, in per-test virtual environments.
# ansible-test bootstraps pip in those with a script it downloads from a host this machine cannot reach;
# the stand-in below does the same job offline with the interpreter's own ensurepip.
set -euo pipefail
bin=$1
coll=$2
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
"$bin/ansible-test" sanity --venv --python 3.11 --color no 
