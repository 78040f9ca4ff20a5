from collections.abc import Iterator
from typing import Any

import pytest

from desk.demo.sandbox.transport import mount_sandbox


@pytest.fixture(autouse=True)
def demo_mode(settings: Any) -> Iterator[None]:
    """The demo's tests run in demo mode whatever database the suite uses (CI: PostgreSQL):
    the sandbox answers its addresses, as it does under `make run`."""
    settings.DEMO_MODE = True
    mount_sandbox()
    yield
