"""Connector health: what the channels page shows about each channel before it breaks (token
expiry, granted against needed permissions, webhook subscriptions, deliveries against the
usual rhythm, quota), and the periodic checks that warn staff once per problem.

Above the adapters and channels.platforms (whose conditions and stored checks it fills);
the desk's pages read it, and channels.tasks runs its checks on Celery beat.
"""
