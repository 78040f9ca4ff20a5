"""Long-running stream consumers: platforms that push events over a websocket.

Each streaming kind has a `StreamSource` (see base.py), found through `SOURCES` like
adapters through the adapter registry; `consumer.consume` runs one channel's source and
stores what it reads through `channels.inbound.store_event`, saving the source's cursor in
the same transaction. `manage.py stream_consumer` runs consumers; docker compose runs it as
the `streams` service.
"""
