"""The moderation plugin's section of ``/help``."""

from core.plugins.api import CommandHelp, PluginHelp

MODERATE, KICK, BAN = ("moderate_members",), ("kick_members",), ("ban_members",)
HELP = PluginHelp("Moderation", "Warnings, mutes, kicks and bans, each a numbered case.", (
    CommandHelp("warn", "Warn a member; enough warnings escalate as the server set.",
                ("/warn member:@bob reason:spamming links", "!warn @bob spamming links"),
                permissions=MODERATE, prefix=True),
    CommandHelp("warnings", permissions=MODERATE),
    CommandHelp("pardon", permissions=MODERATE),
    CommandHelp("mute", "A timeout, or the mute role when configured or past 28 days.",
                ("/mute member:@bob duration:1h reason:flooding", "!mute @bob 1h flooding"),
                permissions=MODERATE, prefix=True),
    CommandHelp("unmute", permissions=MODERATE),
    CommandHelp("kick", examples=("/kick member:@bob reason:raid", "!kick @bob raid"),
                permissions=KICK, prefix=True),
    CommandHelp("ban", "Ban a member permanently; optionally delete their recent messages.",
                ("/ban member:@bob reason:scam delete_messages:1", "!ban @bob scam links"),
                permissions=BAN, prefix=True),
    CommandHelp("tempban", examples=("/tempban member:@bob duration:7d",), permissions=BAN),
    CommandHelp("unban", permissions=BAN),
    CommandHelp("case", "One case with its amendments.", ("/case number:12", "!case 12"),
                permissions=MODERATE, prefix=True),
    CommandHelp("modlog", "The server's cases, or one user's, newest first.",
                ("/modlog", "/modlog member:@bob", "!modlog @bob"),
                permissions=MODERATE, prefix=True),
    CommandHelp("reason", permissions=MODERATE),
    CommandHelp("modstats", permissions=MODERATE),
    *(CommandHelp(name, permissions=("manage_guild",)) for name in (
        "modconfig logchannel", "modconfig muterole", "modconfig rules set",
        "modconfig rules show",
    )),
))
