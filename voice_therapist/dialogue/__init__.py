"""What the therapist does next: protocol steps, the LLM's phrasing, and the guard."""
