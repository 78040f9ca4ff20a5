from tests.triage.conftest import mention, staff

__all__ = ["mention", "staff"]
