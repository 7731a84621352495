"""The elected leader: election, fencing, and the duties only the leader runs."""
