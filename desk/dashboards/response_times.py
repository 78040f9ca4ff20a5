"""First-response times as the percentiles read them: two measures, and buckets of each.

- business: the SLA engine's `first_response_seconds` (business seconds in the policy's
  calendar, net of the time the ticket waited on the customer);
- wall: wall-clock time from the ticket's creation to its first public or holding reply.

Buckets are half-open ranges of seconds [EDGES[i], EDGES[i + 1]), the last one open-ended:
one second wide up to 10 s, then each about 10% wider than the one before, up to ten years.
So a bucket never holds more than a small share of any smooth distribution of response
times, and the percentile selector reads only the tickets of the bucket a rank falls in.
The bucket is computed in the database by exact comparisons with these integer edges
(PostgreSQL's width_bucket, elsewhere a binary tree of CASE expressions), the same comparisons
the selector makes to read a bucket's tickets, so both always agree on it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Case, F, Func, IntegerField, Q, Value, When

from desk.dashboards.metrics import WALL_TIME


def _edges() -> tuple[int, ...]:
    edges = list(range(11))
    while edges[-1] < 10 * 365 * 86400:
        edges.append(math.ceil(edges[-1] * 1.1))
    return tuple(edges)


EDGES: tuple[int, ...] = _edges()


class Bucket(Func):
    """The bucket of a value: width_bucket on PostgreSQL, the CASE tree elsewhere."""

    output_field = IntegerField()

    def __init__(self, value: Any, tree: Any, *, seconds_of: str) -> None:
        super().__init__(value, tree)
        self.seconds_of = seconds_of

    def as_sql(  # the SQLite and default form: the wall-clock seconds
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> Any:
        return compiler.compile(self.source_expressions[1])

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.source_expressions[0])
        # An interval in exact (numeric) seconds; width_bucket counts the edges <= the value.
        return (
            f"(WIDTH_BUCKET({self.seconds_of % sql}, %s::integer[]) - 1)",
            [*params, list(EDGES)],
        )


@dataclass(frozen=True)
class Measure:
    name: str
    # The value as an expression over tickets; a bound in seconds as the database compares
    # it to that value; SQL turning the value into seconds (PostgreSQL).
    expression: Any
    bound: Callable[[int], Any]
    seconds_of: str = "%s"

    def bucket(self, alias: str) -> Bucket:
        """The bucket of the value annotated as `alias`."""
        tree = _node(alias, self.bound, 0, len(EDGES) - 1)
        return Bucket(F(alias), tree, seconds_of=self.seconds_of)

    def within(self, alias: str, bucket: int) -> Q:
        """The tickets whose value (annotated as `alias`) lies in `bucket`."""
        q = Q(**{f"{alias}__gte": self.bound(EDGES[bucket])})
        if bucket + 1 < len(EDGES):
            q &= Q(**{f"{alias}__lt": self.bound(EDGES[bucket + 1])})
        return q

    @staticmethod
    def seconds(value: Any) -> float:
        return value.total_seconds() if isinstance(value, timedelta) else float(value)


def _node(alias: str, bound: Callable[[int], Any], first: int, last: int) -> Case | Value:
    if first == last:
        return Value(first, output_field=IntegerField())
    upper = (first + last + 1) // 2
    return Case(
        When(
            Q(**{f"{alias}__lt": bound(EDGES[upper])}),
            then=_node(alias, bound, first, upper - 1),
        ),
        default=_node(alias, bound, upper, last),
        output_field=IntegerField(),
    )


MEASURES: dict[str, Measure] = {
    "business": Measure("business", F("first_response_seconds"), int),
    "wall": Measure(
        "wall", WALL_TIME, lambda seconds: timedelta(seconds=seconds), "EXTRACT(EPOCH FROM %s)"
    ),
}
