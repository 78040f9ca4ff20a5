from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache

from desk.access import public
from desk.ops import metrics


@public
def ping(request: HttpRequest) -> HttpResponse:
    """Liveness only, touching nothing: also the benchmarks' trivial-view baseline."""
    return HttpResponse("ok", content_type="text/plain")


@public
@never_cache
def health(request: HttpRequest) -> JsonResponse:
    """Readiness: the database answers and the broker accepts connections. 503 otherwise."""
    checks = {"database": _database(), "broker": metrics.broker_status()}
    healthy = all(state in ("ok", "eager") for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks},
        status=200 if healthy else 503,
    )


@public  # with METRICS_TOKEN set, it asks for that bearer token itself
@never_cache
def prometheus_metrics(request: HttpRequest) -> HttpResponse:
    token = settings.METRICS_TOKEN
    if token and request.headers.get("Authorization", "") != f"Bearer {token}":
        return HttpResponse(
            "metrics need the bearer token\n", status=401, content_type="text/plain"
        )
    return HttpResponse(metrics.render(), content_type="text/plain; version=0.0.4")


def _database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        return f"error: {type(exc).__name__}"
    return "ok"
