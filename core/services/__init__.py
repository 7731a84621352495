"""Core services: the only code that writes core's tables."""
