"""guildhall core: runtime, database, coordination, leader duties, plugin API, bot, web, CLI."""

__version__ = "0.1.0"
