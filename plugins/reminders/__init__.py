"""The reminders plugin: /remind, delivered at its time by the leader's scheduler."""
