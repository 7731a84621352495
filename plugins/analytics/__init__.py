"""The analytics plugin."""
