"""The bot process: the disnake bot, its dispatch paths, core cogs, errors and mentions."""
