"""Tests of third-party plugins built only on guildhall's public contract and test kit."""
