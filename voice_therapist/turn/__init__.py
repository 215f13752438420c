"""Turn taking: who is speaking, when a user turn ends, and when the user interrupts."""
