"""Loading recorded platform payloads from tests/fixtures/<kind>/<event>__<variant>.*"""

import copy
import json
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


def fixture_json(kind: str, name: str) -> Any:
    return copy.deepcopy(json.loads((FIXTURES / kind / f"{name}.json").read_text()))


def fixture_bytes(kind: str, name: str) -> bytes:
    return (FIXTURES / kind / name).read_bytes()
