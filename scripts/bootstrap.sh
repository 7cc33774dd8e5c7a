#!/usr/bin/env bash
# Idempotent set-up called by `npm start`, `npm test` and the benches: npm dependencies and a
# project virtualenv with the pinned Python tools (Temporal CLI, test server, reference libraries).
# Each step is skipped when the stamp of its input file is unchanged, so repeated calls cost ~0 s.
set -euo pipefail
cd "$(dirname "$0")/.."

stamp_dir=.bootstrap
mkdir -p "$stamp_dir"

fingerprint() { sha256sum "$@" | sha256sum | cut -c1-16; }

node_fp=$(fingerprint package.json $( [ -f package-lock.json ] && echo package-lock.json ))
if [ ! -d node_modules ] || [ "$(cat "$stamp_dir/node" 2>/dev/null)" != "$node_fp" ]; then
  echo "bootstrap: installing npm dependencies" >&2
  if [ -f package-lock.json ]; then npm ci --no-audit --no-fund >&2; else npm install --no-audit --no-fund >&2; fi
  fingerprint package.json $( [ -f package-lock.json ] && echo package-lock.json ) > "$stamp_dir/node"
fi

py_fp=$(fingerprint requirements.txt)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp_dir/python" 2>/dev/null)" != "$py_fp" ]; then
  echo "bootstrap: installing pinned Python tools into .venv" >&2
  python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check -r requirements.txt >&2
  echo "$py_fp" > "$stamp_dir/python"
fi

# Chromium for the browser test of the Temporal UI (test/ui/): Debian's package, driven by
# playwright-core. Installed only when missing; without it the test cannot run, so a machine where
# it cannot be installed fails here, loudly, instead of skipping the test.
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "bootstrap: /usr/bin/chromium is missing and this is not root: run 'apt-get install -y chromium' as root" >&2
    exit 1
  fi
  echo "bootstrap: installing chromium (apt-get)" >&2
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends chromium >&2; }; then
    echo "bootstrap: could not install chromium with apt-get; the browser test needs /usr/bin/chromium" >&2
    exit 1
  fi
  if [ ! -x /usr/bin/chromium ]; then
    echo "bootstrap: apt-get installed chromium but /usr/bin/chromium is still missing" >&2
    exit 1
  fi
fi

# The CDK app's npm packages (infra/), checkov (.venv/iac) and actionlint: infra/bootstrap.sh, same stamps.
bash infra/bootstrap.sh
