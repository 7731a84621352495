"""The reminders plugin's section of ``/help``."""

from core.plugins.api import CommandHelp, PluginHelp

MODERATOR = ("manage_messages",)
HELP = PluginHelp("Reminders", "Reminders at a time you choose, once or repeating.", (
    CommandHelp("remind", "Remind you here of something later; repeat with `every`.",
                ("/remind when:2h text:stretch", "/remind when:tomorrow 9am text:standup "
                 "every:1d", "!remind 10m check the oven"), prefix=True),
    CommandHelp("reminders cancel", examples=("/reminders cancel id:12",)),
    CommandHelp("reminders admin list", permissions=MODERATOR),
    CommandHelp("reminders admin cancel", permissions=MODERATOR),
    CommandHelp("timezone set", examples=("/timezone set zone:Europe/Berlin",)),
))
