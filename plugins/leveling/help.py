"""The leveling plugin's section of ``/help``."""

from core.plugins.api import CommandHelp, PluginHelp

ADMIN = ("manage_guild",)
HELP = PluginHelp("Leveling", "XP for chatting, levels and reward roles.", (
    CommandHelp("rank", "Your level, XP and rank here, or another member's.",
                ("/rank", "/rank member:@bob", "!rank @bob"), prefix=True),
    CommandHelp("leaderboard", "The members with the most XP, a page at a time.",
                ("/leaderboard", "!leaderboard 2"), prefix=True),
    *(CommandHelp(name, permissions=ADMIN) for name in (
        "levels announce", "levels exclude", "levels include", "levels rates",
        "levels reward add", "levels reward list", "levels reward remove",
        "levels reward stacking", "levels show", "levels toggle",
    )),
    CommandHelp("xp add", permissions=ADMIN, examples=("/xp add member:@bob amount:50",)),
    CommandHelp("xp remove", permissions=ADMIN),
    CommandHelp("xp set", permissions=ADMIN),
))
