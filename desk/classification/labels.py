"""The labels the classifiers give, in one place: models, forms, the model and evaluation use it."""

from django.utils.translation import gettext_lazy

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
# What pages and forms call each label and sentiment, in the reader's language. LABEL_NAMES
# stay English: routing reasons are stored with them and read by the model's tooling.
DISPLAY_NAMES = {
    TECHNICAL: gettext_lazy("Technical question"),
    PRESS: gettext_lazy("Press inquiry"),
    SALES_LEAD: gettext_lazy("Sales lead"),
    NETIQUETTE: gettext_lazy("Netiquette violation"),
    "negative": gettext_lazy("Negative"),
    "neutral": gettext_lazy("Neutral"),
    "positive": gettext_lazy("Positive"),
}
SENTIMENT_NAMES = {sentiment: DISPLAY_NAMES[sentiment] for sentiment in SENTIMENTS}

# The languages we serve; lexicons exist for each.
SERVED_LANGUAGES: tuple[str, ...] = ("en", "de", "fr", "pl", "sv")
