"""Classification, routing rules, similar questions, crisis detection and brand ambassadors.

The desk's seams `desk.classify.classify` and `desk.routing.decide` are thin entry points
into this package; everything they need (lexicons, the trained model, the rule list) lives here.
"""
