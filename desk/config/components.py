"""What the site is made of: its apps, middleware, templates and fixed security headers.

Nothing here depends on the environment; settings.py reads every variable and takes these as
they are.
"""

from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    # Bottom up (docs/architecture.md): the spine, the channels, then the desk.
    "tickets",
    "channels",
    "channels.platforms",
    "desk",
    "desk.sla",
    "desk.privacy",
    "desk.classification",
    "desk.outbound",
    "desk.ingestion",
    "desk.triage",
    "desk.dashboards",
    "desk.webform",
    "desk.connect",
    "desk.demo",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
]

MIDDLEWARE = [
    # First: webhooks and token-holding REST clients take MACHINE_MIDDLEWARE instead of the
    # rest of this list (desk.config.machine_requests).
    "desk.config.machine_requests.machine_requests_apart",
    # A body that is too big or too slow is refused before anything else runs.
    "desk.security.request_limits.bounded_request_body",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "desk.security.middleware.require_two_factor",
    "desk.triage.middleware.user_preferences",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    # Last, as django-axes asks: it turns a lockout into its answer.
    "axes.middleware.AxesMiddleware",
]

# The chain of /hooks/ and of /api/ without a session: the body limits, the security headers
# and the language, nothing a staff page needs (desk.config.machine_requests says why).
MACHINE_MIDDLEWARE = [
    "desk.security.request_limits.bounded_request_body",
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
]
# Platforms posting webhooks read no prose: their answers are in English, and choosing a
# language from their headers would cost every delivery for nothing.
WEBHOOK_MIDDLEWARE = [
    m for m in MACHINE_MIDDLEWARE if m != "django.middleware.locale.LocaleMiddleware"
]

ROOT_URLCONF = "desk.config.urls"
WSGI_APPLICATION = "desk.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "desk.triage.context.desk",
                "desk.demo.context.demo",
            ],
            # Untrusted names, handles, subjects and file names are shown through
            # one filter library, in every template without {% load %}.
            "builtins": ["desk.triage.templatetags.untrusted"],
        },
    },
]


# Strict Content-Security-Policy: scripts and styles only from our own files, never inline.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}


SPECTACULAR_SETTINGS = {
    "TITLE": "socialdesk API",
    "DESCRIPTION": "Post inquiries into the inbound desk and follow their tickets.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The docs page's assets ship in a Python package: no CDN, works offline and under CSP.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
