"""Tables as the page, the CSV and the API show them: formatted values beside raw ones."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import pgettext

from desk.dashboards.tables import Context, Table


@dataclass(frozen=True)
class Cell:
    value: Any
    text: str
    url: str | None
    is_number: bool


def text_of(value: Any, unit: str = "") -> str:
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, float):
        return _in_reader_digits(f"{value:,.1f}") + _unit(unit)
    if isinstance(value, int):
        return _in_reader_digits(f"{value:,}")
    return str(value)


def _unit(unit: str) -> str:
    if unit == "h":
        return " h"
    if unit == "%":
        # French, German and Swedish set the sign apart ("84,4 %"), English and Polish not.
        return pgettext("percent sign after a number", "%")
    return unit


def _in_reader_digits(english: str) -> str:
    """A number written with English separators ("1,234.5") in the reader's ("1.234,5"): a
    90-day page has thousands of them, and Django's number_format costs ten times as much."""
    return english.translate(_separators(translation.get_language() or settings.LANGUAGE_CODE))


@lru_cache(maxsize=16)
def _separators(language: str) -> dict[int, str]:
    return {
        ord(","): formats.get_format("THOUSAND_SEPARATOR", language),
        ord("."): formats.get_format("DECIMAL_SEPARATOR", language),
    }


def raw(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def cells(table: Table, context: Context) -> list[tuple[Any, list[Cell]]]:
    """Each row with its cells, and each number's drill-down link."""
    rendered = []
    for row in table.rows:
        row_cells = []
        for column in table.columns:
            value = row.cells.get(column.key)
            unit = row.cells.get("unit", "") if row.metric else column.unit
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            url = table.link(context, row, column) if is_number or value is None else None
            row_cells.append(Cell(value, text_of(value, unit), url, is_number))
        rendered.append((row, row_cells))
    return rendered


def body_html(table: Table, context: Context) -> SafeString:
    """The table's rows as HTML, built here rather than in the template: a 90-day page has
    thousands of linked numbers, and this is several times faster. Everything is escaped."""
    lines = []
    for row, row_cells in cells(table, context):
        tds = []
        for cell in row_cells:
            text = escape(cell.text)
            inner = f'<a href="{escape(cell.url)}">{text}</a>' if cell.url else text
            if cell.is_number:
                tds.append(f'<td class="num" data-value="{escape(cell.value)}">{inner}</td>')
            else:
                # A name or a hashtag from a post: in its own direction, not the page's.
                tds.append(f'<td dir="auto">{inner}</td>')
        lines.append(
            f'<tr data-key="{escape(row.key)}"><th scope="row">{escape(row.label)}</th>'
            f"{''.join(tds)}</tr>"
        )
    return mark_safe("\n".join(lines))  # noqa: S308  # nosec B308 B703 - every piece is escaped


def as_records(table: Table) -> list[dict[str, Any]]:
    """Rows as plain records, for JSON: key, label and every column's raw value."""
    return [
        {
            "key": row.key,
            "label": row.label,
            **{column.key: raw(row.cells.get(column.key)) for column in table.columns},
        }
        for row in table.rows
    ]
