"""socialdesk: the inbound desk. See docs/architecture.md for the layers inside."""
