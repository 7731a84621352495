"""Durable timers: the scheduler the leader runs and its database side."""
