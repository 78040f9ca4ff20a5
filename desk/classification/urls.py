from django.urls import path

from desk.classification.views import contacts, crisis, learning, rules

app_name = "classification"

urlpatterns = [
    path("rules/", rules.rule_list, name="rules"),
    path("rules/new/", rules.rule_edit, name="rule-new"),
    path("rules/<int:pk>/", rules.rule_edit, name="rule-edit"),
    path("rules/<int:pk>/move/", rules.rule_move, name="rule-move"),
    path("rules/<int:pk>/delete/", rules.rule_delete, name="rule-delete"),
    path("rules/dry-run/", rules.rule_dry_run, name="dry-run"),
    path("reply-templates/", rules.template_list, name="templates"),
    path("reply-templates/<int:pk>/", rules.template_list, name="template-edit"),
    path("classifier/", learning.versions, name="versions"),
    path("classifier/retrain/", learning.version_retrain, name="retrain"),
    path("classifier/rollback/", learning.version_rollback, name="rollback"),
    path("classifier/lexicon-only/", learning.version_lexicon_only, name="lexicon-only"),
    path("classifier/<int:pk>/activate/", learning.version_activate, name="activate"),
    path(
        "classifier/corrections/<int:pk>/review/",
        learning.correction_review,
        name="correction-review",
    ),
    path("tickets/<int:pk>/correct/", learning.ticket_correct, name="correct"),
    path("incidents/", crisis.incident_list, name="incidents"),
    path("incidents/<int:pk>/", crisis.incident_detail, name="incident"),
    path("incidents/<int:pk>/statement/", crisis.incident_statement, name="incident-statement"),
    path("incidents/<int:pk>/close/", crisis.incident_close, name="incident-close"),
    path("ambassadors/", contacts.ambassador_list, name="ambassadors"),
    path("ambassadors/<int:pk>/", contacts.ambassador_decide, name="ambassador-decide"),
]
