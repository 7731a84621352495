"""The analytics plugin's section of ``/help``."""

from core.plugins.api import CommandHelp, PluginHelp

HELP = PluginHelp("Statistics", "Activity and command use in this server.", (
    CommandHelp("stats bot", owner_only=True),
))
