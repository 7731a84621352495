"""The customcmds plugin: text commands a guild's staff define, run with the prefix."""
