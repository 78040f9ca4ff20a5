"""Privacy by record: retention notices, retention, data subject requests, the audit log."""
