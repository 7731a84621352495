"""The plugin contract and its machinery: hookspecs, contracts, manager, gate, bases."""
