"""Core: registry, query engine, search language, time windows."""
