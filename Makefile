# The two commands: `make run` and `make test`. Both install what they need first.
.PHONY: install run test bench sessions train-crisis clean

install:
	@bash scripts/setup.sh

run: install
	.venv/bin/voice-therapist run

test: install
	@bash scripts/test.sh

bench: install
	.venv/bin/voice-therapist bench --json bench-output/bench.json

# The conversation suite (tests/sessions/): each session spoken through `voice-therapist session --fast`.
sessions: install
	.venv/bin/python -m voice_therapist.bench.suite.run --out sessions-output

# A developer's step: retrain models/crisis_tuned/ after the crisis exemplars change, then commit it.
train-crisis: install
	@bash scripts/train_crisis.sh

clean:
	rm -rf .venv demo-output test-artifacts
