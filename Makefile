# The two commands: `make run` and `make test`. Both install what they need first.
.PHONY: install run test bench clean

install:
	@bash scripts/setup.sh

run: install
	.venv/bin/voice-therapist run

test: install
	@bash scripts/test.sh

bench: install
	.venv/bin/voice-therapist bench --json bench-output/bench.json

clean:
	rm -rf .venv demo-output test-artifacts
