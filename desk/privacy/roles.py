"""Who may handle privacy matters: managers, as the desk's roles define them."""

from desk.triage.permissions import is_manager

__all__ = ["is_manager"]
