#!/usr/bin/env bash
# Copy the collection's files (tracked, or new and not ignored) to DEST, which ends in ansible_collections/fleetops/ping.
set -euo pipefail
dest=$1
cd "$(dirname "$0")/.."
rm -rf "$dest"
mkdir -p "$dest"
git ls-files -co --exclude-standard -z | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -cf - -T - | tar -xf - -C "$dest"
# ansible-test decides which files are the collection's through git.
git -C "$dest" init -q
git -C "$dest" add -A
