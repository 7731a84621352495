"""The database: connection, core models, migrations and the data documentation."""
