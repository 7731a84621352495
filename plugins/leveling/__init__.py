"""The leveling plugin."""
