"""Real SIP peers and their scenarios for the telephony tests."""
