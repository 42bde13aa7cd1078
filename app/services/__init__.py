"""Use cases. Each one checks permission, runs in one transaction and records audit events."""
