"""Classification time per mention, in one process on PostgreSQL: the lexicons alone, and
with a trained model active (each call also asks the database which model is active).

The mentions: the shipped test sets (real tweets to brands, the own five-language posts, and
10 KB bug reports), classified without a language hint, so language detection is timed too.

python bench/classify.py [--rounds 3]
"""

import argparse
import os
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
    from desk.classification.learning.evaluation import shipped_suites
    from desk.classification.learning.versions import deactivate_all, train_version

    texts = [example.text for suite in shipped_suites() for example in suite.examples]
    long_texts = sum(len(text) > 5000 for text in texts)
    print(f"{len(texts)} mentions, {long_texts} of them longer than 5,000 characters")
    classify("warm-up: load the language models once")

    def measure(label: str) -> None:
        wall, cpu = [], []
        for _ in range(args.rounds):
            for text in texts:
                started, started_cpu = time.perf_counter(), time.process_time()
                classify(text)
                cpu.append((time.process_time() - started_cpu) * 1000)
                wall.append((time.perf_counter() - started) * 1000)
        for kind, timings in (("wall", wall), ("CPU", cpu)):
            ordered = sorted(timings)
            print(
                f"classify, {label:28} {kind:4} mean {statistics.mean(timings):5.2f} ms"
                f"  p50 {statistics.median(timings):5.2f} ms"
                f"  p99 {ordered[int(len(ordered) * 0.99)]:5.2f} ms  ({len(timings)} mentions)"
            )

    # On a shared machine wall time includes waiting for a core; CPU time is the work.
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    deactivate_all()
    measure("lexicons only")
    version = train_version(activate=True, note="bench")
    classify("warm-up: load the model once")
    measure(f"with model v{version.number} active")
    deactivate_all()


if __name__ == "__main__":
    main()
