"""``guildhall sandbox``: the real bot and the Discord double in one process."""
