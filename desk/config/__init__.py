"""Project configuration: settings, URLs, the Celery app and the WSGI entry point.

The Celery app is imported here so that Django loading its settings also creates the app that
`@shared_task` functions bind to (web processes enqueue through it).
"""

from desk.config.celery import app as celery_app

__all__ = ["celery_app"]
