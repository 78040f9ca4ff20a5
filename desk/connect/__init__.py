"""Connecting channels from the browser: OAuth flows, account choice, subscriptions."""
