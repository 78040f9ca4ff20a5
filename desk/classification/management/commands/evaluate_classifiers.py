from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from desk.classification.classifier import classify_with
from desk.classification.learning import model as learned
from desk.classification.learning.dataset import DatasetError, read_jsonl
from desk.classification.learning.evaluation import evaluate, format_report
from desk.classification.learning.versions import active_model, training_examples


class Command(BaseCommand):
    help = (
        "Print precision, recall and F1 per label and language for a labelled JSONL file, "
        "for the lexicon layer and for the trained model. Texts are classified without their "
        "language, so language detection is evaluated too."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--layer", choices=["both", "lexicon", "model"], default="both", help="what to evaluate"
        )
        parser.add_argument(
            "--fresh-model",
            action="store_true",
            help="train a model in memory from the seed set and corrections instead of using "
            "the active version",
        )

    def handle(self, *args: Any, path: Path, layer: str, fresh_model: bool, **options: Any) -> None:
        try:
            examples = read_jsonl(path)
        except DatasetError as exc:
            raise CommandError(str(exc)) from None
        if not examples:
            raise CommandError(f"{path} holds no examples.")
        self.stdout.write(f"{len(examples)} labelled mentions from {path}\n")
        if layer in ("both", "lexicon"):
            report = evaluate(examples, lambda e: classify_with(e.text, model=None))
            self.stdout.write(format_report(report, title="== lexicon layer ==") + "\n")
        if layer in ("both", "model"):
            number, model = (None, None) if fresh_model else active_model()
            if model is None:
                seed = training_examples()
                model = learned.train(seed)
                title = f"== model trained now on {len(seed)} examples (seed set + corrections) =="
            else:
                title = f"== active model v{number} =="
            report = evaluate(
                examples, lambda e: classify_with(e.text, model=model, model_number=number)
            )
            self.stdout.write(format_report(report, title=title))
