"""The custom commands plugin's section of ``/help``."""

from core.plugins.api import CommandHelp, PluginHelp

ADMIN = ("manage_guild",)
HELP = PluginHelp("Custom commands", "The server's own text commands.", (
    CommandHelp("customcmd create", permissions=ADMIN,
                examples=("/customcmd create name:rules response:Read #rules, {user}!",)),
    CommandHelp("customcmd edit", permissions=ADMIN),
    CommandHelp("customcmd delete", permissions=ADMIN),
))
