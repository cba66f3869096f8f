#!/usr/bin/env bash
# Installs what Haven needs to build, run and test on Debian: the C libraries, the browser and
# load tools from Debian's packages, and the UI/test packages from npm (package-lock.json).
# Idempotent: installs only what is missing. Usage: tools/deps.sh [--no-npm]
set -euo pipefail
cd "$(dirname "$0")/.."
pkgs=(build-essential pkg-config zlib1g-dev libmicrohttpd-dev libjansson-dev libsodium-dev
      libsqlite3-dev libicu-dev sqlite3 nodejs npm chromium curl
      fonts-khmeros fonts-sil-abyssinica)
[ "${HAVEN_DEPS_BENCH:-0}" = 1 ] && pkgs+=(wrk nginx-light)
[ "${HAVEN_DEPS_SANITIZE:-0}" = 1 ] && pkgs+=(clang libclang-rt-14-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# node/npm may come from elsewhere on a developer machine: accept them if present
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=($(printf '%s\n' "${missing[@]}" | grep -vx -e nodejs -e npm || true))
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "deps: installing ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
if [ "${1:-}" != "--no-npm" ] && { [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; }; then
  npm ci --no-audit --no-fund --loglevel=error
fi
