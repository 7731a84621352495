"""guildhall core: configuration, database, plugin contract, bot, CLI."""

__version__ = "0.1.0"
