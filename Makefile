# The two commands: `make run` and `make test`. Both install what they need first.
.PHONY: install run test bench train-crisis clean

install:
	@bash scripts/setup.sh

run: install
	.venv/bin/voice-therapist run

# `make test TESTS=tests/test_g711.py` runs one file.
test: install
	@bash scripts/test.sh $(TESTS)

bench: install
	.venv/bin/voice-therapist bench --json bench-output/bench.json

# A developer's step: retrain models/crisis_tuned/ after the crisis exemplars change, then commit it.
train-crisis: install
	@bash scripts/train_crisis.sh

clean:
	rm -rf .venv demo-output test-artifacts
