#!/usr/bin/env bash
# System packages the station needs on Debian/Ubuntu. Idempotent: installs only what dpkg says
# is missing, runs `apt-get update` at most once, and does nothing (no root needed) when all
# are present.
#   chromium                           browser mode + end-to-end tests (playwright-core drives it)
#   libfaiss-dev libblas-dev liblapack-dev   faiss-node addon, built by `npm ci` (postinstall)
#   build-essential python3            node-gyp toolchain for that addon and better-sqlite3
#   cmake                              the AVX2 faiss built from Debian's source package
#   ffmpeg imagemagick                 fake-camera clips and test image conversions
#   postgresql openssl                 the site store's tests and bench: scripts/site/pg-cluster.ts runs
#                                      Debian's server binaries in a folder of ours (as the postgres
#                                      user when root); openssl makes its TLS test certificate
set -euo pipefail

PACKAGES=(chromium libfaiss-dev libblas-dev liblapack-dev ffmpeg imagemagick build-essential python3 cmake postgresql openssl)

is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" = "install ok installed" ]
}

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "[apt] this script needs a Debian/Ubuntu system (dpkg + apt-get); install these yourself: ${PACKAGES[*]}" >&2
  exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  if is_installed "$pkg"; then
    echo "[apt] ok       $pkg ($(dpkg-query -W -f='${Version}' "$pkg"))"
  else
    echo "[apt] missing  $pkg"
    missing+=("$pkg")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "[apt] all ${#PACKAGES[@]} packages present; nothing to do"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "[apt] need root to install: ${missing[*]} (run as root, or install sudo)" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "[apt] apt-get update"
"${SUDO[@]}" apt-get update
echo "[apt] apt-get install ${missing[*]}"
"${SUDO[@]}" apt-get install -y --no-install-recommends "${missing[@]}"

for pkg in "${missing[@]}"; do
  is_installed "$pkg" || { echo "[apt] $pkg still not installed" >&2; exit 1; }
done
echo "[apt] installed: ${missing[*]}"
