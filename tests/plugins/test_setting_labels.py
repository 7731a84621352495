"""Every setting of every built-in plugin has a label for the dashboard (its field's
``title``), and the dashboard shows values by type, never as raw Python."""

from __future__ import annotations

import pytest
from markupsafe import Markup

from core.plugins.manager import BUILTIN_PLUGINS, PluginManager
from core.runtime.config import Settings
from core.web import setting_text


def _models() -> dict[str, type]:
    settings = Settings.model_validate({"plugins": {"enabled": list(BUILTIN_PLUGINS)}})
    manager = PluginManager(settings).load()
    return {name: type(model) for name, model in manager.plugin_settings.items()
            if model is not None}


def test_every_builtin_plugin_setting_has_a_label() -> None:
    models = _models()
    assert set(models) == set(BUILTIN_PLUGINS)  # every built-in has settings
    missing = [f"{plugin}.{name}" for plugin, model in models.items()
               for name, field in model.model_fields.items() if not field.title]
    assert missing == []
    for plugin, model in models.items():
        for name in model.model_fields:
            shown = setting_text.label(model, name)
            assert shown != name and "_" not in shown, f"{plugin}.{name}: {shown!r}"


@pytest.mark.parametrize(("name", "value", "shown"), [
    ("dm_before_action", True, "Yes"),
    ("public_pages", False, "No"),
    ("permission_roles", {}, "none"),
    ("permission_roles", {"moderate_members": "Mods", "ban_members": "Admins"},
     "Timeout Members: Mods; Ban Members: Admins"),
    ("warning_expiry_days", 90, "90 days"),
    ("work_cooldown_hours", 1.0, "1 hour"),
    ("daily_cooldown_hours", 24.0, "24 hours"),
    ("flush_seconds", 2.5, "2.5 seconds"),
    ("escalate_mute_minutes", 60, "60 minutes"),
    ("gamble_max_bet", 100_000, "100,000"),
    ("gamble_house_edge", 0.04, "0.04"),
    ("log_channel_id", 5, "#general"),
    ("mute_role_id", "7", "@Muted"),
    ("mute_role_id", 8, "unknown (8)"),
    ("mute_role_id", None, "none"),
    ("manager_role", "Custom Commands", "Custom Commands"),
])
def test_values_are_shown_by_type(name: str, value: object, shown: str) -> None:
    names = setting_text.names_of([_Named(5, "general")], [_Named(7, "Muted")])
    assert setting_text.value_text(name, value, names) == shown


def test_the_coin_is_a_picture_other_symbols_are_escaped_text() -> None:
    coin = setting_text.value_text("currency_symbol", "\N{COIN}")
    assert isinstance(coin, Markup) and 'src="/static/coin.svg"' in coin
    other = setting_text.value_text("currency_symbol", "<b>")
    assert other == Markup('<span class="symbol">&lt;b&gt;</span>')


def test_audit_rows_are_labelled() -> None:
    models = _models()
    assert setting_text.audit_label("prefix", models) == ("Command prefix", "prefix")
    assert setting_text.audit_label("moderation.warning_expiry_days", models) == (
        "Warnings expire after", "warning_expiry_days")
    assert setting_text.audit_label("plugin:economy", models)[0] == "Economy switched on"
    assert setting_text.audit_label("plugin:customcmds", models, {
        "customcmds": "Custom commands"})[0] == "Custom commands switched on"
    assert setting_text.audit_label("customcmd.hello", models) == ("Customcmd: hello", "hello")


class _Named:
    def __init__(self, id: int, name: str) -> None:
        self.id, self.name = id, name
