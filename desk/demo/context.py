from typing import Any

from django.conf import settings
from django.http import HttpRequest


def demo(request: HttpRequest) -> dict[str, Any]:
    """Whether the page belongs to the demo, so the menu can link the sandbox platform."""
    return {"demo_mode": settings.DEMO_MODE}
