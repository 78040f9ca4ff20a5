"""Layer 2: a scikit-learn model trained from the shipped seed set and staff decisions."""
