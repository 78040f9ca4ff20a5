"""The sandbox platform's public timeline: what customers posted and what the desk sent."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from desk.access import staff_required
from desk.demo.models import SandboxPost

PAGE_SIZE = 100


@staff_required
def sandbox_timeline(request: HttpRequest) -> HttpResponse:
    if not settings.DEMO_MODE:
        raise Http404("The sandbox exists only in demo mode.")
    posts = SandboxPost.objects.all()
    platform = request.GET.get("platform", "")
    if platform:
        posts = posts.filter(platform=platform)
    platforms = SandboxPost.objects.order_by("platform").values_list("platform", flat=True)
    return render(
        request,
        "demo/sandbox.html",
        {
            "posts": posts[:PAGE_SIZE],
            "platforms": sorted(set(platforms)),
            "platform": platform,
        },
    )
