"""Language understanding helpers that run locally on the CPU."""
