from django.db import models


class ConversationDocument(models.Model):
    """The customer's side of a conversation as one searchable text.

    On PostgreSQL the migration adds a `search_vector` tsvector column (language-aware) and
    GIN indexes for full-text and trigram search; SQLite searches `document` in Python.
    """

    conversation = models.OneToOneField(
        "tickets.Conversation", on_delete=models.CASCADE, related_name="+", primary_key=True
    )
    language = models.CharField(max_length=8, blank=True)
    document = models.TextField()
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    def __str__(self) -> str:
        return self.document[:60]
