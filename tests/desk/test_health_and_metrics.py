import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.test import Client

from channels.models import Channel, InboundEvent

ROOT = Path(__file__).resolve().parent.parent.parent


def test_health_reports_the_database_and_the_broker(db: None) -> None:
    response = Client().get("/-/health")

    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"
    assert response.json()["checks"]["broker"] in ("ok", "eager")


def test_health_is_503_when_the_broker_is_unreachable(db: None, settings: Any) -> None:
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    response = Client().get("/-/health")

    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error")


def test_metrics_show_the_backlog_and_its_age(webhook_channel: Channel) -> None:
    InboundEvent.objects.create(channel=webhook_channel, source="webhook", body=b"{}")
    InboundEvent.objects.create(
        channel=webhook_channel, source="webhook", body=b"{}", state=InboundEvent.State.FAILED
    )
    text = Client().get("/-/metrics").content.decode()

    assert "# TYPE socialdesk_inbound_events_pending gauge" in text
    assert "socialdesk_inbound_events_pending 1\n" in text
    assert "socialdesk_inbound_events_parked 1\n" in text
    assert "socialdesk_ingestion_lag_seconds " in text
    assert "socialdesk_first_response_overdue_tickets 0\n" in text


def test_metrics_need_the_token_when_one_is_configured(db: None, settings: Any) -> None:
    settings.METRICS_TOKEN = "scrape-me"
    assert Client().get("/-/metrics").status_code == 401
    allowed = Client().get("/-/metrics", HTTP_AUTHORIZATION="Bearer scrape-me")
    assert allowed.status_code == 200


def test_logs_are_json_lines_when_asked() -> None:
    logged = subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, logging; django.setup(); logging.getLogger('desk').warning('hello')",
        ],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "desk.config.settings", "LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    record = json.loads(logged.stderr.strip().splitlines()[-1])
    assert record["message"] == "hello"
    assert record["level"] == "WARNING"
    assert record["logger"] == "desk"
