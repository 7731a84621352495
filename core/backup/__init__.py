"""Backups: verified snapshots of the database, their files on disk, and restore."""
