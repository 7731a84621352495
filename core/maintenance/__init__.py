"""Maintenance: retention jobs, integrity checks and database care, on schedule."""
