"""Transparent per-language lexicons: regex fragments per category, matched as whole words.

A fragment may end in `\\w*` to cover inflections. Categories: the labels `technical`, `press`,
`sales_lead`; the three kinds of netiquette violation `insult`, `threat`, `spam`; and the
sentiment cues `positive` and `negative`.
"""

from desk.classification.lexicons import de, en, fr, pl, sv

LEXICONS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": en.TERMS,
    "de": de.TERMS,
    "fr": fr.TERMS,
    "pl": pl.TERMS,
    "sv": sv.TERMS,
}
# Language-independent cues: emoji, links with promotions, shouting.
COMMON: dict[str, tuple[str, ...]] = {
    "positive": ("👍", "❤️?", "😍", "🙏", "🙂", "😊", "🎉", "💯", "🥳", "👏"),
    "negative": ("👎", "😡", "😠", "🤬", "😤", "💩", "🙄", "😞", "😢"),
    "spam": (
        r"bit\.ly/\S+",
        r"t\.me/\S+",
        r"wa\.me/\S+",
        r"(?:💰|🚀|🔥){2,}",
        r"crypto\w*",
        r"bitcoin\w*",
        r"btc",
        r"forex",
        r"onlyfans",
        r"casino\w*",
        r"viagra",
    ),
}
