"""Reads for the dashboards: rollup sums, exact percentiles, live figures, mentions."""
