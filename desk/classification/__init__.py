"""Classification, routing rules, similar questions, crisis detection and brand ambassadors.

Entry points for the ingestion pipeline: `classifier.classify_text` (language, labels,
sentiment) and `routing.engine.decide` (the ordered rule list); both return the plain values
of `types`.
"""
