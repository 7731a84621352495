"""The reminders plugin."""
