#!/usr/bin/env bash
# Runs the whole test suite in the project's virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
exec .venv/bin/python -m pytest -p no:cacheprovider -ra "$@"
