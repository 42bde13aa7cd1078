"""Database models and the unit of work."""
