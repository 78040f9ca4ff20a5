"""docs/configuration.md lists every environment variable the settings read, and no other.

The settings read the environment only through their small helpers (`env`, `env_int`,
`env_float`, `env_bool`, `env_list`), `os.environ.get` or `"NAME" in os.environ`, always with
a literal name, so the names can be read from the source itself. A variable added to the
settings without a row in the table, or a row left behind after a variable went, fails here;
so does a documented default that no longer matches the one in the code.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "desk" / "config" / "settings.py"
DOCS = ROOT / "docs" / "configuration.md"
TABLE_HEADING = "## Settings read from the environment"
HELPERS = {"env", "env_int", "env_float", "env_bool", "env_list"}


@dataclass(frozen=True)
class Read:
    name: str
    # The literal default given in the code, or None when there is none or it is computed.
    default: str | int | float | None
    line: int


def _is_environ(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "environ"
        and isinstance(node.value, ast.Name)
        and node.value.id == "os"
    )


def _reads_environment(call: ast.Call) -> bool:
    function = call.func
    if isinstance(function, ast.Name):
        return function.id in HELPERS
    if isinstance(function, ast.Attribute):
        # os.environ.get(...) and os.getenv(...)
        return (function.attr == "get" and _is_environ(function.value)) or (
            function.attr == "getenv"
            and isinstance(function.value, ast.Name)
            and function.value.id == "os"
        )
    return False


def _inside_helpers(tree: ast.Module) -> set[int]:
    """Line numbers of the helpers' own bodies: they read `name`, a parameter, by design."""
    lines: set[int] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name in HELPERS:
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def settings_reads() -> list[Read]:
    tree = ast.parse(SETTINGS.read_text(), filename=str(SETTINGS))
    skip = _inside_helpers(tree)
    reads: list[Read] = []
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) in skip:
            continue
        if isinstance(node, ast.Subscript) and _is_environ(node.value):
            raise AssertionError(
                f"settings.py:{node.lineno} reads os.environ[...]; use the env helpers"
            )
        # `"NAME" in os.environ`: whether a variable was given at all.
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Constant)
            and isinstance(node.left.value, str)
            and any(isinstance(op, ast.In | ast.NotIn) for op in node.ops)
            and any(_is_environ(c) for c in node.comparators)
        ):
            reads.append(Read(node.left.value, None, node.lineno))
            continue
        if not (isinstance(node, ast.Call) and _reads_environment(node)):
            continue
        name = node.args[0] if node.args else None
        if not (isinstance(name, ast.Constant) and isinstance(name.value, str)):
            raise AssertionError(
                f"settings.py:{node.lineno} reads a variable whose name is not a literal; "
                "the configuration table could not list it"
            )
        default_node = node.args[1] if len(node.args) > 1 else None
        if default_node is None:
            default_node = next((k.value for k in node.keywords if k.arg == "default"), None)
        default = (
            default_node.value
            if isinstance(default_node, ast.Constant)
            and isinstance(default_node.value, str | int | float)
            and not isinstance(default_node.value, bool)
            else None
        )
        reads.append(Read(name.value, default, node.lineno))
    return reads


def documented_rows() -> dict[str, tuple[str, str]]:
    """{variable: (default cell, meaning cell)} from the table under TABLE_HEADING."""
    lines = DOCS.read_text().splitlines()
    assert TABLE_HEADING in lines, f"{DOCS.name} has no heading {TABLE_HEADING!r}"
    rows: dict[str, tuple[str, str]] = {}
    in_table = False
    for line in lines[lines.index(TABLE_HEADING) + 1 :]:
        if line.startswith("#"):
            break
        if not line.startswith("|"):
            if in_table:
                break
            continue
        in_table = True
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if cells[0] == "variable" or set(cells[0]) <= {"-", ":"}:
            continue
        assert len(cells) == 3, f"a row needs variable, default and meaning: {line}"
        name = cells[0]
        assert name.startswith("`") and name.endswith("`") and name.count("`") == 2, (
            f"one variable per row, in backticks: {line}"
        )
        name = name.strip("`")
        assert name not in rows, f"{name} is listed twice"
        rows[name] = (cells[1], cells[2])
    return rows


def test_the_settings_read_variables_the_parser_can_see() -> None:
    names = {read.name for read in settings_reads()}
    # Guards against a parser that finds nothing and lets every other test pass.
    assert {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "CREDENTIALS_KEYS"} <= names


def test_every_variable_the_settings_read_is_documented() -> None:
    missing = sorted({read.name for read in settings_reads()} - set(documented_rows()))
    assert not missing, f"add these to the table in docs/configuration.md: {missing}"


def test_every_documented_variable_is_read_by_the_settings() -> None:
    stale = sorted(set(documented_rows()) - {read.name for read in settings_reads()})
    assert not stale, f"docs/configuration.md lists variables the settings do not read: {stale}"


def test_every_row_gives_a_default_and_a_meaning() -> None:
    for name, (default, meaning) in documented_rows().items():
        assert default and meaning, f"{name}: the default and the meaning must not be empty"


def test_documented_defaults_match_the_literal_defaults_in_the_code() -> None:
    rows = documented_rows()
    for read in settings_reads():
        if read.default is None or read.default == "":
            continue
        default_cell = rows[read.name][0]
        assert f"`{read.default}`" in default_cell, (
            f"{read.name}: settings.py:{read.line} defaults to {read.default!r}, "
            f"docs/configuration.md says {default_cell}"
        )
