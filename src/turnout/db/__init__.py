"""Database: schema, migrations and engines."""
