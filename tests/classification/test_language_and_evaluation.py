"""Language detection on short posts, and the evaluation command."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from tests.classification.conftest import Deliver


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Danke!", "de"),
        ("merci", "fr"),
        ("dzięki", "pl"),
        ("Tack!", "sv"),
        ("thanks!!", "en"),
        ("Appen kraschar hela tiden", "sv"),
        ("Bonjour, ça ne marche pas", "fr"),
    ],
)
def test_short_posts_get_their_language(deliver: Deliver, text: str, language: str) -> None:
    ticket = deliver(text)

    assert ticket is not None and ticket.language == language


def test_a_declared_language_wins(deliver: Deliver) -> None:
    ticket = deliver("Hello, the app crashes", language="de")

    assert ticket is not None and ticket.language == "de"


def test_evaluate_classifiers_prints_precision_recall_and_f1_per_label_and_language(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        {"text": "The app crashes on login", "language": "en", "labels": ["technical"]},
        {"text": "Die App stürzt ab", "language": "de", "labels": ["technical"]},
        {"text": "Thanks, great help!", "language": "en", "labels": [], "sentiment": "positive"},
    ]
    path = tmp_path / "set.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")

    call_command("evaluate_classifiers", str(path), "--layer", "lexicon")

    out = capsys.readouterr().out
    assert "lexicons ==" in out
    assert "technical              de    1.000  1.000  1.000    1" in out
    assert "technical              all   1.000  1.000  1.000    2" in out
    assert "sentiment:positive     en" in out


def test_evaluate_classifiers_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"text": "ok", "labels": []}\n{"text": "x", "labels": ["nope"]}\n')

    with pytest.raises(CommandError, match=r"bad.jsonl:2: unknown labels \['nope'\]"):
        call_command("evaluate_classifiers", str(path))


def test_the_shipped_evaluation_set_has_500_mentions_in_five_languages() -> None:
    from desk.classification.learning.dataset import EVALUATION_PATH, SEED_PATH, read_jsonl

    evaluation = read_jsonl(EVALUATION_PATH)
    seeds = {e.key for e in read_jsonl(SEED_PATH)}

    assert len(evaluation) >= 500
    assert {e.language for e in evaluation} == {"en", "de", "fr", "pl", "sv"}
    assert not seeds & {e.key for e in evaluation}  # never evaluated on training texts
