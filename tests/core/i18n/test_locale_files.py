"""Every locale file of core and of every built-in plugin: complete, same placeholders,
templates that only name values."""

from __future__ import annotations

from string import Formatter

import pytest

from core.i18n.catalog import LocaleFiles
from core.i18n.formatting import placeholders
from core.runtime.config import BUILTIN_PLUGINS
from tests.core.i18n.locale_owners import LANGUAGES, owners

OWNERS = owners()


def test_core_and_every_builtin_plugin_ship_their_locale_directory() -> None:
    assert set(OWNERS) == {"core", *BUILTIN_PLUGINS}
    for owner, directory in OWNERS.items():
        assert LocaleFiles(directory).locales() == sorted(LANGUAGES), owner


@pytest.mark.parametrize("owner", sorted(OWNERS))
def test_every_text_key_is_in_every_locale_with_the_same_placeholders(owner: str) -> None:
    files = LocaleFiles(OWNERS[owner])
    english = files.texts("en-US")
    assert english, f"{owner} has no English texts"
    for locale in LANGUAGES:
        texts = files.texts(locale)
        assert set(texts) == set(english), (
            owner, locale, sorted(set(english) ^ set(texts)))
        for key, template in texts.items():
            assert template.strip(), (owner, locale, key)
            assert placeholders(template) == placeholders(english[key]), (owner, locale, key)


@pytest.mark.parametrize("owner", sorted(OWNERS))
def test_templates_name_plain_values_only(owner: str) -> None:
    """No attribute or index access, no conversions or format specs: a template can only
    place a value the code passed (user text is a value and is never parsed)."""
    files = LocaleFiles(OWNERS[owner])
    for locale in LANGUAGES:
        for key, template in files.texts(locale).items():
            for _, field, spec, conversion in Formatter().parse(template):
                if field is None:
                    continue
                assert field.isidentifier(), (owner, locale, key, field)
                assert not spec and conversion is None, (owner, locale, key, field)


def test_a_missing_key_falls_back_to_english_and_an_unknown_one_is_an_error(tmp_path) -> None:
    (tmp_path / "en-US.json").write_text('{"texts": {"a": "A {n}", "b": "B"}}')
    (tmp_path / "de.json").write_text('{"texts": {"a": "Ä {n}"}}')
    files = LocaleFiles(tmp_path)
    assert files.template("de", "a") == "Ä {n}"
    assert files.template("de", "b") == "B"
    with pytest.raises(KeyError):
        files.template("de", "c")


def test_a_malformed_file_is_refused_with_its_path(tmp_path) -> None:
    (tmp_path / "de.json").write_text('{"texts": {"a": 3}}')
    with pytest.raises(ValueError, match="de.json: a must be a string"):
        LocaleFiles(tmp_path).locales()
    (tmp_path / "de.json").write_text('{"replies": {}}')
    with pytest.raises(ValueError, match="expected an object with texts and commands"):
        LocaleFiles(tmp_path).locales()
