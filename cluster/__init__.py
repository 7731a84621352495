"""The cluster: launcher, supervisor, worker processes, shard plan, identify limiter, status."""
