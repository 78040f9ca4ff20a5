"""Every figure of the dashboards as a table: rendered as a chart and an accessible table,
exported as CSV, served by the metrics API, each number linked to the tickets behind it."""

# The builders register themselves with base on import.
from desk.dashboards.tables import sla, volume  # noqa: F401
from desk.dashboards.tables.base import Column, Context, Row, Table, build, table_slugs

__all__ = ["Column", "Context", "Row", "Table", "build", "table_slugs"]
