"""Safety: runs on every final transcript, ahead of the protocol, never waiting on the LLM."""
