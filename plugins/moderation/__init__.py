"""The moderation plugin: warnings, kicks, bans, mutes, temp punishments and the case log."""
