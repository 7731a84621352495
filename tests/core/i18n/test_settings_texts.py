"""Settings refusals are worded from pydantic's error type and context, in every language,
and every overridable setting of the built-in plugins has a title and a label."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import BaseModel, Field, ValidationError

from core.bot.texts import TEXTS as CORE
from core.i18n.formatting import placeholders
from core.i18n.texts import Phrase
from core.services.settings_errors import WORDED, SettingConflict, SettingsRefused, refusal
from plugins.economy.guild_settings import AMOUNTS
from plugins.economy.settings import EconomySettings
from plugins.moderation.guild_settings import RULES
from tests.core.i18n.locale_owners import LANGUAGES


class Limits(BaseModel):
    """A model with the bounds and types the settings use."""

    amount: int = Field(1, ge=1, le=1_000_000)
    name: str = Field("x", min_length=1, max_length=8)
    since: dt.date = dt.date(2026, 1, 1)


def refused(**values: object) -> SettingsRefused:
    with pytest.raises(ValidationError) as caught:
        Limits.model_validate(values)
    return refusal(caught.value, lambda field: {"amount": "Betrag"}.get(field, field))


def test_every_worded_error_type_has_a_text_naming_its_context() -> None:
    english = CORE.files.texts("en-US")
    for kind, names in WORDED.items():
        assert placeholders(english[f"validation.{kind}"]) == set(names), kind


def test_a_refusal_is_worded_from_type_and_context_for_each_reader() -> None:
    too_big = refused(amount=2_000_000)
    assert str(too_big) == "Betrag: must be at most 1,000,000"
    assert too_big.localized_text("de") == "Betrag: darf höchstens 1.000.000 sein"
    assert too_big.localized_text("fr") == "Betrag : doit être au plus 1\u202f000\u202f000"
    assert refused(amount="viel").localized_text("de") == "Betrag: muss eine ganze Zahl sein"
    assert refused(name="").localized_text("es-ES") == (
        "name: debe tener al menos 1 caracteres")
    for language in LANGUAGES:  # a type without its own text: the general one, not English
        text = refused(since="someday").localized_text(language)
        assert text.startswith("since") and text.endswith(
            CORE.to(language)("validation.invalid")), language


def test_a_models_own_rule_is_worded_per_reader() -> None:
    with pytest.raises(ValidationError) as caught:
        EconomySettings(work_min=90, work_max=80)
    [error] = caught.value.errors()
    assert isinstance(error["ctx"]["error"], SettingConflict)
    whole = refusal(caught.value, str)
    assert whole.localized_text("pt-BR") == (
        "Esses valores não combinam: o pagamento mínimo do trabalho (90) passa do máximo (80)")


def test_every_overridable_setting_has_a_title_and_a_label() -> None:
    for overrides in (AMOUNTS, RULES):
        assert overrides.texts is not None, overrides.name
        english = overrides.texts.files.texts("en-US")
        assert "overrides.title" in english
        for field in overrides.fields:
            assert f"overrides.fields.{field}" in english, field
            for language in LANGUAGES:
                label = overrides.label(field)
                assert isinstance(label, Phrase) and label.localized_text(language)
