#!/usr/bin/env bash
# The cluster load test on loopback: PostgreSQL, Kamailio, nginx, 3 `serve` and 3 `sip` workers,
# sipp calls and WebSocket sessions with real speech, one worker of each kind killed midway.
# The figures are printed and kept in test-artifacts/cluster-report.json.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p test-artifacts
OMP_NUM_THREADS=1 .venv/bin/python -m pytest -p no:cacheprovider -ra -s --cluster tests/test_cluster.py "$@"
echo "==> cluster report (test-artifacts/cluster-report.json)"
cat test-artifacts/cluster-report.json
