from functools import partial
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.classification.classifier import classify_with
from desk.classification.learning import model as learned
from desk.classification.learning.dataset import DatasetError, read_jsonl
from desk.classification.learning.evaluation import Suite, evaluate, format_report, shipped_suites
from desk.classification.learning.versions import active_model, training_examples


class Command(BaseCommand):
    help = (
        "Print precision, recall and F1 per language and label, and the sentiment confusion "
        "matrix, on the shipped test sets (real, human-labelled posts and the desk's own "
        "five-language sets) or on a labelled JSONL file, for the lexicons and the model. "
        "Texts are classified without their language, so language detection is measured too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, nargs="?", help="a JSONL file instead of the sets")
        parser.add_argument(
            "--layer", choices=["both", "lexicon", "model"], default="both", help="what to evaluate"
        )
        parser.add_argument(
            "--fresh-model",
            action="store_true",
            help="train a model in memory from the training data and corrections instead of "
            "using the active version",
        )

    def handle(
        self, *args: Any, path: Path | None, layer: str, fresh_model: bool, **options: Any
    ) -> None:
        suites = [self._file_suite(path)] if path else shipped_suites()
        layers: list[tuple[str, learned.TrainedModel | None, int | None]] = []
        if layer in ("both", "lexicon"):
            layers.append(("lexicons", None, None))
        if layer in ("both", "model"):
            number, model = (None, None) if fresh_model else active_model()
            if model is None:
                examples = training_examples()
                self.stdout.write(f"training a model on {len(examples)} examples ...")
                model = learned.train(examples)
                layers.append((f"model trained now on {len(examples)} examples", model, None))
            else:
                layers.append((f"active model v{number}", model, number))
        for suite in suites:
            self.stdout.write(f"\n#### {suite.name}: {len(suite.examples)} labelled mentions")
            self.stdout.write(f"source: {suite.source}")
            for name, model, number in layers:
                report, confusion = evaluate(
                    suite.examples,
                    partial(_classify_example, model=model, number=number),
                    sentiment_only=suite.sentiment_only,
                )
                self.stdout.write(
                    format_report(report, confusion, title=f"== {suite.name}, {name} ==") + "\n"
                )

    def _file_suite(self, path: Path) -> Suite:
        try:
            examples = read_jsonl(path)
        except DatasetError as exc:
            raise CommandError(str(exc)) from None
        if not examples:
            raise CommandError(f"{path} holds no examples.")
        return Suite(
            name=path.name, source=str(path), examples=tuple(examples), sentiment_only=False
        )


def _classify_example(example: Any, *, model: Any, number: int | None) -> Any:
    return classify_with(example.text, model=model, model_number=number)
