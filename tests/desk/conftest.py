import pytest

from desk.sla.defaults import ensure_default_policy
from desk.sla.models import SlaPolicy


@pytest.fixture
def default_policy(db: None) -> SlaPolicy:
    # The migration creates it; a test elsewhere that flushes the database may have removed it.
    return ensure_default_policy()
