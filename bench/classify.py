"""Classification time per mention, in one process on PostgreSQL: the lexicons alone, and
with a trained model active (each call also asks the database which model is active).

python bench/classify.py [--rounds 3]
"""

import argparse
import statistics
import time

from common import bench_env, create_database, setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    create_database(bench_env())
    setup_django()
    from desk.classification.classifier import classify_text as classify
    from desk.classification.learning.dataset import EVALUATION_PATH, read_jsonl
    from desk.classification.learning.versions import deactivate_all, train_version

    texts = [example.text for example in read_jsonl(EVALUATION_PATH)]
    classify("warm-up: load the language models once")

    def measure(label: str) -> None:
        timings = []
        for _ in range(args.rounds):
            for text in texts:
                started = time.perf_counter()
                classify(text)
                timings.append((time.perf_counter() - started) * 1000)
        ordered = sorted(timings)
        print(
            f"classify, {label:28} mean {statistics.mean(timings):5.2f} ms"
            f"  p50 {statistics.median(timings):5.2f} ms"
            f"  p99 {ordered[int(len(ordered) * 0.99)]:5.2f} ms  ({len(timings)} mentions)"
        )

    deactivate_all()
    measure("lexicons only")
    version = train_version(activate=True, note="bench")
    classify("warm-up: load the model once")
    measure(f"with model v{version.number} active")
    deactivate_all()


if __name__ == "__main__":
    main()
