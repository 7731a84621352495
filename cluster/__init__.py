"""guildhall cluster: launcher, workers, shard planning (see the cluster launcher issue)."""
