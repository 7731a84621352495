"""Sandbox scripts shipped with guildhall (``*.txt``; played by ``guildhall sandbox``)."""
