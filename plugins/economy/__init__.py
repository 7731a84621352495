"""The economy plugin."""
