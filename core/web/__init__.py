"""The web dashboard: public pages, Discord login, admin settings and the operator page.

Import :mod:`core.web.server` for the server itself; this package's ``__init__`` stays
free of aiohttp imports so :mod:`core.runtime.config` can use :mod:`core.web.settings`.
"""
