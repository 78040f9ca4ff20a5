from django.urls import path

from desk.privacy.views import audit, holds, notices, retention, subjects

urlpatterns = [
    path("notices/<str:language>/<int:version>/", notices.notice, name="privacy-notice"),
    path("unnoticed/", notices.unnoticed, name="privacy-unnoticed"),
    path("retention/", retention.retention_preview, name="privacy-retention"),
    path("subjects/", subjects.subjects, name="privacy-subjects"),
    path("subjects/export/", subjects.subject_export, name="privacy-subject-export"),
    path("subjects/erase/", subjects.subject_erase, name="privacy-subject-erase"),
    path("holds/", holds.holds, name="privacy-holds"),
    path("holds/<int:pk>/release/", holds.hold_release, name="privacy-hold-release"),
    path("audit/", audit.audit_log, name="privacy-audit"),
]
