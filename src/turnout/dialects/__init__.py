"""Dialects: translators that speak other products' APIs on the wire."""
