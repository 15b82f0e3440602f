#!/usr/bin/env bash
# A CPython built from the source Debian ships, cached: prints the path of its interpreter on stdout (the
# progress goes to stderr).
#
# Usage: .ci/python.sh [SOURCE_PACKAGE [SUITE]]      (default: python3.13 trixie)
#
#   1. The Debian archive is the one this machine's apt sources name (deb822 files in
#      /etc/apt/sources.list.d/*.sources and one-line entries in /etc/apt/sources.list), read now: no host is
#      written here. The first archive that serves dists/SUITE/main/source/Sources.xz is used.
#   2. SOURCE_PACKAGE's paragraph of that index gives the upstream tarball (*.orig.tar.xz), its directory in
#      the pool and its SHA-256. The tarball is downloaded and checked against that checksum.
#   3. ./configure --prefix=CACHE/VERSION --disable-test-modules (CPython's own test suite is neither built nor
#      installed: nothing here runs it) && make -j2 && make install, with the log in CACHE/VERSION.log.
#   4. ssl, sqlite3, ctypes, lzma, bz2, zlib and ensurepip must import; only then is CACHE/VERSION/.complete
#      written. A build without that file (interrupted, failed) is not a cache hit: it is built again.
# CACHE is ${XDG_CACHE_HOME:-~/.cache}/fleetops-ping-ci/SOURCE_PACKAGE, keyed by the upstream version. A machine
# that already built that version uses it; when the archive cannot be reached, the newest complete build in
# the cache is used. A failed build ends this script with status 1 and the tail of the build's log.
set -euo pipefail
package=${1:-python3.13}
suite=${2:-trixie}
modules=(ssl sqlite3 ctypes lzma bz2 zlib ensurepip)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/fleetops-ping-ci/$package
mkdir -p "$cache"
say() { echo "python.sh: $*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

# Exclusive use of the cache: a second run waits for the first to finish its build, then uses it.
exec 9>"$cache/.lock"
flock 9

usable() {  # the interpreter of a complete build at $1, or nothing
  local prefix=$1 python
  [ -f "$prefix/.complete" ] || return 1
  python=$(sed -n 's/^python=//p' "$prefix/.complete")
  [ -x "$python" ] || return 1
  "$python" -c "import $(IFS=,; echo "${modules[*]}")" 2>/dev/null || return 1
  echo "$python"
}

archives() {  # the URIs of the deb-src or deb entries of this machine's apt sources, in their order
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822: paragraphs of fields; a URIs field may hold several addresses. Comment lines are not fields.
    awk 'BEGIN { RS = ""; FS = "\n" }
         { types = ""; uris = ""; enabled = "yes"
           for (i = 1; i <= NF; i++) {
             if ($i ~ /^#/) continue
             if (tolower($i) ~ /^types:/) types = tolower(substr($i, 7))
             if (tolower($i) ~ /^uris:/) uris = substr($i, 6)
             if (tolower($i) ~ /^enabled:/) enabled = tolower(substr($i, 9))
           }
           if (enabled ~ /no/ || types !~ /deb/) next
           n = split(uris, u, /[ \t]+/)
           for (j = 1; j <= n; j++) if (u[j] != "") print u[j] }' "$f"
  done
  if [ -f /etc/apt/sources.list ]; then
    # One-line format: deb [options] URI suite components...
    sed -nE 's/^[[:space:]]*deb(-src)?[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\3/p' /etc/apt/sources.list
  fi
}

fetch() {  # fetch URL FILE
  curl -fsSL --retry 3 --retry-delay 2 --connect-timeout 20 -o "$2" "$1"
}

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

archive=
for uri in $(archives | awk '!seen[$0]++'); do
  uri=${uri%/}
  if fetch "$uri/dists/$suite/main/source/Sources.xz" "$work/Sources.xz" 2>/dev/null; then
    archive=$uri
    break
  fi
done

if [ -z "$archive" ]; then
  # No archive answered: a build made earlier still serves.
  newest=
  for prefix in "$cache"/[0-9]*; do
    [ -d "$prefix" ] && usable "$prefix" >/dev/null && newest=$(printf '%s\n' "$newest" "$prefix" | sort -V | tail -1)
  done
  if [ -n "$newest" ] && python=$(usable "$newest"); then
    say "no apt source serves dists/$suite/main/source/Sources.xz; using the cached build $python"
    echo "$python"
    exit 0
  fi
  fail "no archive of this machine's apt sources ($(archives | tr '\n' ' ')) serves dists/$suite/main/source/Sources.xz, and no build is cached in $cache"
fi

# The package's paragraph: its directory, and the orig tarball's line of Checksums-Sha256.
xz -dc "$work/Sources.xz" >"$work/Sources"
awk -v pkg="$package" 'BEGIN { RS = ""; FS = "\n" } $1 == "Package: " pkg { print; exit }' "$work/Sources" >"$work/paragraph"
[ -s "$work/paragraph" ] || fail "$archive: dists/$suite/main/source/Sources.xz has no source package $package"
directory=$(sed -n 's/^Directory: //p' "$work/paragraph")
debian_version=$(sed -n 's/^Version: //p' "$work/paragraph")
read -r sha256 size tarball < <(awk '/^Checksums-Sha256:/ { on = 1; next } on && /^ / { if ($3 ~ /\.orig\.tar\.xz$/) { print $1, $2, $3; exit } next } { on = 0 }' \
  "$work/paragraph") || true
if [ -z "${tarball:-}" ] || [ -z "$directory" ]; then
  fail "$package $debian_version in $archive's $suite index names no *.orig.tar.xz with a SHA-256 (paragraph: $(tr '\n' ' ' <"$work/paragraph" | cut -c1-300))"
fi
version=${tarball#"${package}"_}
version=${version%.orig.tar.xz}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] || fail "cannot read an upstream version from $tarball"

prefix=$cache/$version
if python=$(usable "$prefix"); then
  say "Python $version (Debian $package $debian_version) is cached: $python"
  echo "$python"
  exit 0
fi

log=$cache/$version.log
say "building Python $version from Debian's $package $debian_version ($archive/$directory/$tarball) into $prefix; log: $log"
SECONDS=0
rm -rf "$prefix" "$cache/src-$version"
fetch "$archive/$directory/$tarball" "$work/$tarball" || fail "cannot download $archive/$directory/$tarball"
echo "$sha256  $work/$tarball" | sha256sum -c --quiet - >&2 \
  || fail "$tarball does not match the SHA-256 that $suite's Sources index gives ($sha256)"
[ "$(stat -c %s "$work/$tarball")" = "$size" ] || fail "$tarball is not the $size bytes that the index gives"
mkdir -p "$cache/src-$version"
tar -xJf "$work/$tarball" -C "$cache/src-$version" --strip-components=1
if ! (cd "$cache/src-$version" && ./configure --prefix="$prefix" --disable-test-modules && make -j2 && make install) >"$log" 2>&1; then
  say "the build of Python $version failed after ${SECONDS}s; the end of $log:"
  tail -n 40 "$log" >&2
  rm -rf "$cache/src-$version"
  fail "Python $version could not be built from $tarball (see above; nothing was cached)"
fi
python=$prefix/bin/python${version%.*}
missing=()
for m in "${modules[@]}"; do
  "$python" -c "import $m" >/dev/null 2>&1 || missing+=("$m")
done
if [ "${#missing[@]}" -gt 0 ]; then
  say "Python $version was built without: ${missing[*]} (their -dev packages were missing: libssl-dev,"
  say "libsqlite3-dev, libffi-dev, liblzma-dev, libbz2-dev, zlib1g-dev); what configure and make said of them:"
  grep -iE "$(IFS='|'; echo "${missing[*]}")|Could not build|Failed to build|missing" "$log" | tail -n 30 >&2 || tail -n 40 "$log" >&2
  exit 1
fi
rm -rf "$cache/src-$version"
printf 'python=%s\nversion=%s\ndebian=%s %s\nsha256=%s\nbuilt_in_s=%s\n' \
  "$python" "$version" "$package" "$debian_version" "$sha256" "$SECONDS" >"$prefix/.complete"
say "Python $version built and cached in ${SECONDS}s: $python"
echo "$python"
