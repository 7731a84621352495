"""Localization: locale files, the reader's locale, formatting for it, command localizations.

See docs/localization.md. Plugins use it through ``core.plugins.api`` (``Texts``).
"""
