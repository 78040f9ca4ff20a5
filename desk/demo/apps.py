from django.apps import AppConfig
from django.conf import settings


class DemoConfig(AppConfig):
    """The live demo: seeding, the demo traffic stream, and the sandbox platform."""

    name = "desk.demo"
    label = "demo"
    verbose_name = "Demo"

    def ready(self) -> None:
        # Only in demo mode do the sandbox's addresses answer; elsewhere they resolve nowhere
        # (.invalid), so a demo channel copied into production can reach nothing.
        if settings.DEMO_MODE:
            from desk.demo.sandbox.transport import mount_sandbox

            mount_sandbox()
