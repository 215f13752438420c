"""What the assistant remembers of a person between sessions."""
