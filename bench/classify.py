"""Classification time per mention, in one process on PostgreSQL: the lexicons alone, and
with a trained model active (each call also asks the database which model is active).

The mentions: the shipped test sets (real tweets to brands, the own five-language posts, and
10 KB bug reports), classified without a language hint, so language detection is timed too.

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
    from desk.classification.learning.evaluation import shipped_suites
    from desk.classification.learning.versions import deactivate_all, train_version
    from desk.classify import classify

    texts = [example.text for suite in shipped_suites() for example in suite.examples]
    long_texts = sum(len(text) > 5000 for text in texts)
    print(f"{len(texts)} mentions, {long_texts} of them longer than 5,000 characters")
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
