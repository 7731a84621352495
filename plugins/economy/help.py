"""The economy plugin's section of ``/help``."""

from core.plugins.api import CommandHelp, PluginHelp

ADMIN = ("manage_guild",)
HELP = PluginHelp("Economy", "Coins: daily rewards, work, transfers and a shop.", (
    CommandHelp("balance", "Your balance here, or another member's.",
                ("/balance", "!balance @bob"), prefix=True),
    CommandHelp("daily", "Claim your daily coins (once a day).", ("/daily", "!daily"),
                prefix=True),
    CommandHelp("work", "Work for some coins (with a cooldown).", ("/work", "!work"),
                prefix=True),
    CommandHelp("transfer", "Give some of your coins to another member.",
                ("/transfer member:@bob amount:250", "!transfer @bob 250"), prefix=True),
    CommandHelp("gamble", examples=("/gamble amount:100",)),
    CommandHelp("economy give", permissions=ADMIN, examples=("/economy give member:@bob "
                                                            "amount:100 reason:event prize",)),
    CommandHelp("economy take", permissions=ADMIN),
    CommandHelp("economy config set", permissions=ADMIN),
    CommandHelp("economy config show", permissions=ADMIN),
    CommandHelp("shop add", permissions=ADMIN, examples=("/shop add name:vip price:500",)),
    CommandHelp("shop remove", permissions=ADMIN),
))
