"""Test support for guildhall: the local Discord double and helpers."""
