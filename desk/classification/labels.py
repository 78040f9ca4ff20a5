"""The labels the classifiers give, in one place: models, forms, the model and evaluation use it."""

TECHNICAL = "technical"
PRESS = "press"
SALES_LEAD = "sales_lead"
NETIQUETTE = "netiquette"

LABELS: tuple[str, ...] = (TECHNICAL, PRESS, SALES_LEAD, NETIQUETTE)
LABEL_NAMES = {
    TECHNICAL: "Technical question",
    PRESS: "Press inquiry",
    SALES_LEAD: "Sales lead",
    NETIQUETTE: "Netiquette violation",
}
SENTIMENTS: tuple[str, ...] = ("negative", "neutral", "positive")

# The languages we serve; lexicons exist for each.
SERVED_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "pl", "sv")
