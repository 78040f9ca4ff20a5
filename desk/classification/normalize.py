"""Text normalisation before everything else: handles, links, hashtags, emoji, negation.

Social posts carry much that is not language: "@DeutscheBahnHilfe" would pull an English
post to German, a link's path would become n-grams, and "#PageGoesBlank" hides three words.
Every layer (language detection, lexicons, the trained model) reads the normalised text.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import emoji

_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@\w{1,30}")
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")
_CAMEL = re.compile(r"(?<=[a-zà-ÿ])(?=[A-ZÀ-Þ])|(?<=[A-Za-zÀ-ÿ])(?=\d)|(?<=\d)(?=[A-Za-zÀ-ÿ])")
_EMOJI_NAME = re.compile(r":([a-z0-9_&\-]+):")
_REPEAT = re.compile(r"(\w)\1{3,}")
_SPACE = re.compile(r"\s+")
_MAYBE_EMOJI = re.compile("[\u2190-\u2bff\u3030\u303d\u3297\u3299\U0001f000-\U0001faff]")

# Placeholder words: kept as tokens so the model can learn "a link" or "addressed to someone",
# never as words of any language.
URL_TOKEN = "xurl"  # noqa: S105  # nosec B105 - a placeholder word
HANDLE_TOKEN = "xuser"  # noqa: S105  # nosec B105 - a placeholder word


def split_hashtag(tag: str) -> str:
    """ "#PageGoesBlank" -> "Page Goes Blank"; "#fail" stays "fail"; underscores become spaces."""
    return _CAMEL.sub(" ", tag.replace("_", " "))


def _emoji_words(match: str, data: dict[str, str]) -> str:
    name = data.get("en", "").strip(":").replace("_", " ")
    return f" xemoji {name} " if name else " "


def normalize(text: str) -> str:
    """The text the classifiers read: links and handles as placeholders, hashtags as words,
    emoji as their English names (one vocabulary for five languages), runs of a letter cut."""
    text = unicodedata.normalize("NFC", text)
    text = _URL.sub(f" {URL_TOKEN} ", text)
    text = _HANDLE.sub(f" {HANDLE_TOKEN} ", text)
    text = _HASHTAG.sub(lambda m: " " + split_hashtag(m.group(1)) + " ", text)
    if _MAYBE_EMOJI.search(text):  # the emoji scan costs more than all the rest
        text = emoji.replace_emoji(text, replace=_emoji_words)
    text = _REPEAT.sub(r"\1\1\1", text)
    return _SPACE.sub(" ", text).strip()


def language_text(text: str) -> str:
    """The words a language detector should see: no links, handles, hashtags or emoji.

    Hashtags are dropped rather than split: a brand's German campaign tag on an English post
    is not evidence of German. When nothing else is left, the split hashtags are used.
    """
    plain = _URL.sub(" ", text)
    plain = _HANDLE.sub(" ", plain)
    without_tags = _HASHTAG.sub(" ", plain)
    if _MAYBE_EMOJI.search(without_tags):
        without_tags = emoji.replace_emoji(without_tags, replace=" ")
    if re.search(r"[^\W\d_]{2,}", without_tags):
        return _SPACE.sub(" ", without_tags).strip()
    return _SPACE.sub(" ", _HASHTAG.sub(lambda m: split_hashtag(m.group(1)), plain)).strip()


def lexicon_text(text: str) -> str:
    """What the word lists read: hashtags split into words, handles gone, links kept (spam
    patterns look at them)."""
    text = _HANDLE.sub(" ", unicodedata.normalize("NFC", text))
    return _HASHTAG.sub(lambda m: " " + split_hashtag(m.group(1)) + " ", text)


@lru_cache(maxsize=4096)
def normalize_cached(text: str) -> str:
    return normalize(text)
