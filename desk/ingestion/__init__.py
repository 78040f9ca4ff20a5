"""From a stored raw event to messages and tickets: processing (exactly once, retried) and the
ingest pipeline, an explicit, ordered list of steps (pipeline.py)."""
