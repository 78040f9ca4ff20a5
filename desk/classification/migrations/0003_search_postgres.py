from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE classification_conversationdocument ADD COLUMN search_vector tsvector",
    "CREATE INDEX conversation_document_fts ON classification_conversationdocument "
    "USING gin (search_vector)",
    "CREATE INDEX conversation_document_trgm ON classification_conversationdocument "
    "USING gin (document gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS conversation_document_trgm",
    "DROP INDEX IF EXISTS conversation_document_fts",
    "ALTER TABLE classification_conversationdocument DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        # The tsvector column and the trigram index exist on PostgreSQL only; SQLite searches
        # in Python (desk.classification.similar).
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("classification", "0002_default_rules")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
