"""Report engine and reports."""
