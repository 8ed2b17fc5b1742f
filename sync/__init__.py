"""Sync: the outbox of xAPI statements and their delivery to the learning record store."""
