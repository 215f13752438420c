#!/usr/bin/env bash
# A developer's step, not a user's: retrains models/crisis_tuned/ from the exemplars in its own
# torch environment (requirements-train.lock, ~5 GB, kept in the cache by the lock's hash), then
# models/crisis_linear.npz in the project's .venv. Commit both: digest tests fail until they match.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
CACHE=${VOICE_THERAPIST_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/voice-therapist}
train_venv="$CACHE/venv-train-$(sha256sum requirements-train.lock | cut -c1-16)"
if [ ! -f "$train_venv/.complete" ]; then
  echo "==> creating the training environment $train_venv (torch: ~5 GB to download the first time)"
  rm -rf "$train_venv"
  "$PY" -m venv "$train_venv"
  "$train_venv/bin/pip" install -q --no-deps -r requirements-train.lock \
    2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2)
  touch "$train_venv/.complete"
fi
echo "==> training the crisis classifier from the exemplars (about 6 minutes on 2 idle cores)"
"$train_venv/bin/python" scripts/train_crisis_encoder.py "$@"
echo "==> training the crisis linear layer (models/crisis_linear.npz)"
.venv/bin/python scripts/train_crisis_linear.py
