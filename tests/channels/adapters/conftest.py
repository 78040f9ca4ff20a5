from collections.abc import Iterator

import pytest

from tests.fakes.smtp import FakeSmtp


@pytest.fixture
def smtp() -> Iterator[FakeSmtp]:
    """A fake SMTP server on 127.0.0.1 for the mail kinds' replies."""
    with FakeSmtp().running() as fake:
        yield fake
