"""Routing rules: an ordered list of conditions and actions, evaluated purely in memory."""
