"""The customcmds plugin."""
