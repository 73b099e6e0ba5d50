#!/usr/bin/env bash
# What the web tests and the web benchmark need beyond Python (run by scripts/setup dev):
#   - Debian's chromium, driven by Playwright through executable_path (Playwright's own
#     browser download is never used: it cannot be fetched here and would duplicate it);
#   - wrk, the HTTP load generator of benchmarks/bench_web.py;
#   - axe-core from npm, pinned in tests/web/package.json, into tests/web/node_modules
#     (ignored by git), injected into pages by the accessibility tests only.
# Each step is skipped when already done, so a repeated run takes well under a second.
set -euo pipefail
cd "$(dirname "$0")/../.."

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
# Text in screenshots needs a font; installed without recommends, chromium brings none.
dpkg -s fonts-dejavu-core >/dev/null 2>&1 || missing+=(fonts-dejavu-core)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]} (Debian packages)"
  apt_get() { if [ "$(id -u)" = 0 ]; then apt-get "$@"; else sudo apt-get "$@"; fi; }
  apt_get update -qq
  DEBIAN_FRONTEND=noninteractive apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

want=$(grep -o '"axe-core": *"[^"]*"' tests/web/package.json | grep -o '[0-9][0-9.]*')
have=$(node -p 'require("./tests/web/node_modules/axe-core/package.json").version' 2>/dev/null || true)
if [ "$have" != "$want" ]; then
  echo "setup: installing axe-core $want (npm, test-only)"
  (cd tests/web && npm install --no-save --no-package-lock --silent >/dev/null)
fi
