# The two commands: `make run` and `make test`. Both install what they need first.
.PHONY: install run test bench train-crisis clean

install:
	@bash scripts/setup.sh

run: install
	.venv/bin/voice-therapist run

test: install
	@bash scripts/test.sh

bench: install
	.venv/bin/voice-therapist bench --json bench-output/bench.json

# A developer's step: retrain models/crisis_tuned/ after the crisis exemplars change, then commit it.
train-crisis: install
	@bash scripts/train_crisis.sh

clean:
	rm -rf .venv demo-output test-artifacts

# Only turn taking: cut-offs inside pauses and end-of-turn latency (docs/turn-taking.md), ~15 min.
.PHONY: bench-turns
bench-turns: install
	.venv/bin/voice-therapist bench --turns --json bench-output/bench.json
