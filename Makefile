# The two commands: `make run` and `make test`. Both install what they need first.
.PHONY: install run test test-vllm bench sessions train-crisis clean

install:
	@bash scripts/setup.sh

run: install
	.venv/bin/voice-therapist run

# `make test TESTS=tests/test_g711.py` runs one file.
test: install
	@bash scripts/test.sh $(TESTS)

# The `openai` backend against a real vLLM server (CI's second stage; docs/vllm.md).
test-vllm: install
	@bash scripts/vllm_stage.sh

bench: install
	.venv/bin/voice-therapist bench --json bench-output/bench.json

# The conversation suite (tests/sessions/): each session spoken through `voice-therapist session --fast`.
sessions: install
	.venv/bin/python -m voice_therapist.bench.suite.run --out sessions-output

# A developer's step: retrain models/crisis_tuned/ after the crisis exemplars change, then commit it.
train-crisis: install
	@bash scripts/train_crisis.sh

clean:
	rm -rf .venv .venv-vllm .cache/vllm demo-output test-artifacts

# Only turn taking: cut-offs inside pauses and end-of-turn latency (docs/turn-taking.md), ~15 min.
.PHONY: bench-turns
bench-turns: install
	.venv/bin/voice-therapist bench --turns --json bench-output/bench.json
