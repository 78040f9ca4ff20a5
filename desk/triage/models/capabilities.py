from django.db import models


class DeskCapability(models.Model):
    """Holds the desk's permissions; no table. Roles (groups) get them in a data migration."""

    class Meta:
        managed = False
        default_permissions = ()
        permissions = [
            ("work_tickets", "Work tickets: read, note, flag, route, reply on private channels"),
            ("post_company_voice", "Post in the company's voice on public channels"),
            ("answer_negative_posts", "Answer negative public posts"),
            ("approve_replies", "Approve public replies drafted by others"),
            ("view_dashboards", "See the SLA dashboards"),
            ("edit_policies", "Edit calendars, SLA policies and routing rules"),
        ]

    def __str__(self) -> str:
        return "desk capabilities"
