"""The native v1 REST API."""
