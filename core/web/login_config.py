"""Is "Login with Discord" configured? The warning ``guildhall web`` and ``guildhall run``
give at start, so an operator learns what to set before someone clicks "Login" (a 503)."""

from __future__ import annotations

from core.web.settings import WebSettings


def missing_login(web: WebSettings) -> list[str]:
    """What the login still needs, each as the setting to set (empty: configured)."""
    missing = []
    if not web.client_id:
        missing.append("[web] client_id (the application's Client ID, Developer Portal -> "
                       "OAuth2)")
    if not web.client_secret.get_secret_value():
        missing.append("GUILDHALL_WEB__CLIENT_SECRET in the environment (the Client Secret)")
    if not web.public_url:
        missing.append("[web] public_url (the address users open; register "
                       "<public_url>/auth/callback as the OAuth2 redirect)")
    return missing


def login_warning(web: WebSettings) -> str | None:
    """One message naming every missing login setting, or ``None`` when login works."""
    missing = missing_login(web)
    if not missing:
        return None
    return ("dashboard login is not configured: \"Login with Discord\" answers 503 until "
            "you set " + "; ".join(missing) + ". See docs/dashboard.md, \"Enabling it\".")
