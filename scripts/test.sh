#!/usr/bin/env bash
# Lints, then runs the test suite (or the files given) in the project's virtual environment.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
# Lint first, in seconds: the rules are the small set in pyproject.toml ([tool.ruff.lint]).
.venv/bin/ruff check --quiet .
exec .venv/bin/python -m pytest -p no:cacheprovider -ra "$@"
