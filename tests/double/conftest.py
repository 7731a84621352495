"""The double's coverage and conformance lines are printed by core.testing.pytest_plugin."""
