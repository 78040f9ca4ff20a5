from django.http import HttpRequest, HttpResponse


def ping(request: HttpRequest) -> HttpResponse:
    """Liveness only, touching nothing: also the benchmarks' trivial-view baseline."""
    return HttpResponse("ok", content_type="text/plain")
