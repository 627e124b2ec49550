"""Admin web UI."""
