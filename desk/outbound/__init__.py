"""The outbound gate: every message that leaves the company passes `gate.check` and is sent
by `services` — agent and approved replies, rules' holding replies, private replies and
moderation (hiding a comment). See docs/architecture.md."""
