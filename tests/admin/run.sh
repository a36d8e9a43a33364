#!/usr/bin/env bash
# Copyright 2026 The lrs Authors. Licensed under the Apache License, Version 2.0.
#
# CTest's admin/e2e_chromium: installs playwright-core (the exact version of
# package-lock.json) into WORK_DIR, a folder of the build directory, never
# into the source tree, and runs e2e.mjs from there against LRS_BINARY.
# Exits 77 (skipped) without node, npm or /usr/bin/chromium
# (scripts/bootstrap installs chromium).
#
#   tests/admin/run.sh LRS_BINARY WORK_DIR
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 LRS_BINARY WORK_DIR" >&2
  exit 2
fi
lrs_binary=$1
work=$2
src=$(cd "$(dirname "$0")" && pwd)
chromium=${LRS_CHROMIUM:-/usr/bin/chromium}

for tool in node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP: no $tool on PATH (scripts/bootstrap installs Debian's nodejs and npm)"
    exit 77
  fi
done
if [[ ! -x "$chromium" ]]; then
  echo "SKIP: no $chromium (scripts/bootstrap installs Debian's chromium)"
  exit 77
fi

mkdir -p "$work"
# npm ci only when the lock changed since the last install here.
if ! cmp -s "$src/package-lock.json" "$work/node_modules/.lrs-installed-lock.json"; then
  cp "$src/package.json" "$src/package-lock.json" "$work/"
  (cd "$work" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$src/package-lock.json" "$work/node_modules/.lrs-installed-lock.json"
fi
# The script runs from WORK_DIR so that its import finds node_modules there.
cp "$src/e2e.mjs" "$work/e2e.mjs"
exec node "$work/e2e.mjs" --lrs "$lrs_binary" --chromium "$chromium" --out "$work/output"
