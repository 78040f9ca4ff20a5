from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_the_whole_stack_with_health_checks() -> None:
    services = compose()["services"]
    assert set(services) == {"migrate", "web", "worker", "beat", "streams", "postgres", "redis"}
    for name, service in services.items():
        if name == "migrate":
            continue  # a one-shot: it exits when done, and only a failure restarts it
        assert "healthcheck" in service, name
        assert service.get("restart") == "unless-stopped", name


def test_compose_commands_start_the_right_processes() -> None:
    services = compose()["services"]
    assert "gunicorn desk.config.wsgi:application" in services["web"]["command"]
    assert services["migrate"]["command"] == "python manage.py migrate --noinput"
    assert services["worker"]["command"].startswith("celery -A desk.config worker")
    assert services["beat"]["command"].startswith("celery -A desk.config beat")
    assert services["streams"]["command"].startswith("python manage.py stream_consumer --all")
    # Workers are scaled with --scale, so none may pin a container name or a host port.
    assert "container_name" not in services["worker"] and "ports" not in services["worker"]


def test_compose_keeps_data_in_volumes_and_secrets_out_of_the_file() -> None:
    config = compose()
    assert set(config["volumes"]) == {"postgres-data", "redis-data"}
    env = config["services"]["web"]["environment"]
    for secret in ("SECRET_KEY", "CREDENTIALS_KEYS"):
        assert env[secret].startswith("${") and ":?" in env[secret]
    assert config["services"]["web"]["depends_on"]["postgres"]["condition"] == "service_healthy"


def test_the_dockerfile_serves_with_gunicorn_as_an_unprivileged_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "gunicorn" in dockerfile
    assert "USER socialdesk" in dockerfile


def test_the_web_container_is_healthy_only_when_database_and_broker_answer() -> None:
    web = compose()["services"]["web"]
    assert "/-/health" in " ".join(web["healthcheck"]["test"])


def test_compose_logs_json_and_keeps_the_metrics_token_in_the_environment() -> None:
    env = compose()["services"]["web"]["environment"]
    assert env["LOG_FORMAT"] == "${LOG_FORMAT:-json}"
    assert env["METRICS_TOKEN"].startswith("${")


def test_the_worker_is_scalable_and_restarts_after_a_crash() -> None:
    worker = compose()["services"]["worker"]
    # A crashed worker (the drills SIGKILL it) must come back by itself; --scale needs no name.
    assert worker["restart"] == "unless-stopped"
    assert "container_name" not in worker and "hostname" not in worker


def test_migrations_run_once_before_any_web_or_worker_container_starts() -> None:
    services = compose()["services"]
    assert services["migrate"]["restart"] == "on-failure"
    for name in ("web", "worker", "beat"):
        assert "migrate" not in services[name]["command"], name
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }, name
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy", name


def test_web_and_worker_containers_scale_out_against_one_database_and_broker() -> None:
    services = compose()["services"]
    # `--scale web=N`: a range of host ports, one per container, and no fixed name.
    (published,) = services["web"]["ports"]
    assert published == "${WEB_PORTS:-8000-8009}:8000"
    for name in ("web", "worker"):
        assert "container_name" not in services[name], name
        environment = services[name]["environment"]
        assert environment["DATABASE_URL"].endswith("@postgres:5432/socialdesk"), name
        assert environment["REDIS_URL"] == "redis://redis:6379/0", name
    assert "--concurrency ${WORKER_CONCURRENCY:-4}" in services["worker"]["command"]
    assert "--workers ${WEB_WORKERS:-4}" in services["web"]["command"]
