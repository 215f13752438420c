"""Where audio comes from and goes to. Each converts to the internal format at its edge."""
