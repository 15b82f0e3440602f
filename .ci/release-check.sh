#!/usr/bin/env bash
# make release-check: what a release needs, checked on the artifact that would be published.
#   1. ansible-galaxy collection build; the tarball carries no development files.
#   2. galaxy-importer (the checks Galaxy runs on upload, settings in .ci/galaxy-importer.cfg) passes with
#      no WARNING or ERROR line.
#   3. antsibull-docs lint-collection-docs --plugin-docs passes on the installed tarball.
#   4. ansible-builder create writes the build context of docs/execution-environment.yml (no container
#      runtime needed); the collection installs from that context the way its galaxy stage does, and
#      ansible-builder's own introspection finds the collection's Python requirements.
#   5. The changelog is generated for the release: antsibull-changelog lint, then, on a throwaway copy,
#      `antsibull-changelog release` for the version in galaxy.yml when it is not released yet, or
#      `antsibull-changelog generate` (which must leave CHANGELOG.rst as committed) when it is.
# Usage: .ci/release-check.sh <bin dir of the release tools' venv (requirements-release.txt)>
set -euo pipefail
rel=$(cd "$1" && pwd)
root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/build/release
rm -rf "$work"
mkdir -p "$work"
cd "$root"
export PATH="$rel:$PATH" ANSIBLE_NOCOLOR=1
fail() { echo "release-check: FAILED: $*" >&2; exit 1; }
step() { SECONDS=0; echo "release-check: $*"; }
took() { echo "release-check:   ok (${SECONDS}s)"; }

step "ansible-galaxy collection build"
ansible-galaxy collection build --force --output-path "$work" "$root" >/dev/null
tarball=$(echo "$work"/fleetops-ping-*.tar.gz)
[ -f "$tarball" ] || fail "no tarball in $work"
tar -tzf "$tarball" >"$work/files.txt"
if grep -nE '(^|/)(\.ci|\.venv|build|benchmarks|__pycache__|\.pytest_cache|output)(/|$)|\.pyc$|^(Makefile|requirements-(dev|release|oldest-core)\.txt)$' \
    "$work/files.txt"; then
  fail "development files in $(basename "$tarball") (add them to build_ignore in galaxy.yml)"
fi
echo "release-check:   $(basename "$tarball"): $(wc -l <"$work/files.txt") entries"
took

step "galaxy-importer $(python -c 'import importlib.metadata as m; print(m.version("galaxy-importer"))')"
(cd "$work" && GALAXY_IMPORTER_CONFIG="$root/.ci/galaxy-importer.cfg" python -m galaxy_importer.main "$tarball") \
  >"$work/galaxy-importer.log" 2>&1 || { cat "$work/galaxy-importer.log"; fail "galaxy-importer failed"; }
if grep -E '^(WARNING|ERROR|CRITICAL)' "$work/galaxy-importer.log"; then
  fail "galaxy-importer logged warnings or errors (full log: $work/galaxy-importer.log)"
fi
grep -q '^Importer processing completed successfully' "$work/galaxy-importer.log" || fail "galaxy-importer did not complete"
modules=$(grep -c '^Loading module ' "$work/galaxy-importer.log" || true)
[ "$modules" -gt 0 ] || fail "galaxy-importer loaded no module"
grep -q '^Linting collection via ansible-lint' "$work/galaxy-importer.log" || fail "galaxy-importer did not run ansible-lint"
echo "release-check:   no warnings; $modules modules loaded, ansible-lint and ansible-doc run"
took

step "antsibull-docs lint-collection-docs --plugin-docs (on the installed tarball)"
ANSIBLE_COLLECTIONS_PATH="$work/collections" ansible-galaxy collection install --force -p "$work/collections" "$tarball" >/dev/null
antsibull-docs lint-collection-docs --plugin-docs --validate-collection-refs=all \
  "$work/collections/ansible_collections/fleetops/ping"
took

step "ansible-builder create (docs/execution-environment.yml)"
mkdir -p build/ee
cp "$tarball" build/ee/fleetops-ping.tar.gz
rm -rf build/ee/context
ansible-builder create -f docs/execution-environment.yml -c build/ee/context --output-filename Containerfile >/dev/null
[ -s build/ee/context/Containerfile ] || fail "ansible-builder wrote no Containerfile"
[ -f build/ee/context/_build/collections/fleetops-ping.tar.gz ] || fail "the collection tarball is not in the build context"
# The galaxy stage runs ansible-galaxy in the context's _build directory; do the same, then run the
# introspection script that the builder stage runs on what was installed.
(cd build/ee/context/_build && ANSIBLE_COLLECTIONS_PATH="$work/ee-collections" \
  ansible-galaxy collection install -r requirements.yml -p "$work/ee-collections" >/dev/null)
python build/ee/context/_build/scripts/introspect.py introspect "$work/ee-collections" >"$work/introspect.yml"
cat "$work/introspect.yml"
while IFS= read -r req; do
  req=${req%%#*}
  req=$(echo "$req" | tr -d '[:space:]')
  [ -z "$req" ] && continue
  grep -qF "$req  # from collection fleetops.ping" "$work/introspect.yml" || fail "introspection lost $req"
done <requirements.txt
took

step "antsibull-changelog $(antsibull-changelog --version | awk '{print $NF}')"
antsibull-changelog lint
version=$(python -c 'import yaml; print(yaml.safe_load(open("galaxy.yml"))["version"])')
# The copy lives outside this checkout: inside it, git would take the copy's files for ignored ones.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
copy=$scratch/ansible_collections/fleetops/ping
mkdir -p "$copy"
git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -cf - -T - | tar -xf - -C "$copy"
if python -c 'import sys, yaml; sys.exit(0 if sys.argv[1] in (yaml.safe_load(open("changelogs/changelog.yaml"))["releases"] or {}) else 1)' "$version"; then
  (cd "$copy" && antsibull-changelog generate)
  cmp -s "$copy/CHANGELOG.rst" CHANGELOG.rst || fail "CHANGELOG.rst is not what antsibull-changelog generate makes of changelogs/"
  echo "release-check:   $version is released; CHANGELOG.rst is current"
else
  fragments=$(find changelogs/fragments -name '*.yml' -o -name '*.yaml' | wc -l)
  (cd "$copy" && antsibull-changelog release --version "$version" --date "$(date -u +%Y-%m-%d)")
  (cd "$copy" && antsibull-changelog lint-changelog-yaml changelogs/changelog.yaml)
  grep -q "^v$version$" "$copy/CHANGELOG.rst" || fail "the generated CHANGELOG.rst has no v$version section"
  left=$(find "$copy/changelogs/fragments" -name '*.yml' -o -name '*.yaml' | wc -l)
  [ "$left" -eq 0 ] || fail "$left fragments were not taken into the release"
  # Plugins and modules whose version_added is this release are listed as new ones.
  for f in plugins/modules/*.py plugins/inventory/*.py plugins/callback/*.py plugins/lookup/*.py plugins/filter/*.py; do
    [ -f "$f" ] || continue
    name=$(basename "$f" .py)
    [ "$name" = __init__ ] && continue
    grep -q "version_added: *['\"]\{0,1\}${version}['\"]\{0,1\} *$" "$f" || continue
    grep -q "^- fleetops\.ping\.$name - " "$copy/CHANGELOG.rst" || fail "$f (version_added $version) is not in the release's changelog"
  done
  echo "release-check:   release $version of $fragments fragments generates $(wc -l <"$copy/CHANGELOG.rst") lines of CHANGELOG.rst (on a copy)"
fi
took
echo "release-check: OK"
