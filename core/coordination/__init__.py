"""Coordination between processes: leases, the bus, wake-ups and their transports."""
