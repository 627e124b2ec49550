"""Turnout: a self-hosted customer-data platform for venue businesses."""

__version__ = "0.1.0"
