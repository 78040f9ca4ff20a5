"""Layer 2: a linear model trained on real and own labelled posts and staff decisions."""
