"""Language model backends behind one streaming interface."""
