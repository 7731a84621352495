"""A settings model's refusal in the reader's language.

Pydantic's messages are English; :func:`refusal` words the first error of a
``ValidationError`` from its type and context instead (``less_than_equal`` with ``le``
is core's ``validation.less_than_equal``: "must be at most {le}", "darf höchstens {le}
sein"), never from the English message. A model's own validator raises
:class:`SettingConflict` (a ``ValueError`` pydantic keeps in the error's context) to be
worded per reader too; any other error type is ``validation.invalid``.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from core.bot.texts import TEXTS
from core.i18n.formatting import LocalizedValue
from core.i18n.texts import TextError

# error type -> the context values its text shows (pydantic's names)
WORDED: dict[str, tuple[str, ...]] = {
    "greater_than": ("gt",),
    "greater_than_equal": ("ge",),
    "less_than": ("lt",),
    "less_than_equal": ("le",),
    "multiple_of": ("multiple_of",),
    "int_parsing": (), "int_type": (), "int_from_float": (),
    "float_parsing": (), "float_type": (), "finite_number": (),
    "bool_parsing": (), "bool_type": (),
    "string_type": (),
    "string_too_short": ("min_length",),
    "string_too_long": ("max_length",),
    "literal_error": ("expected",),
    "missing": (),
    "extra_forbidden": (),
}


class SettingConflict(TextError, ValueError):
    """Raised by a settings model's validator with its owner's text (``texts=``): the
    config file reads the English ``str()``, a command's reader their own language."""


class SettingsRefused(TextError, ValueError):
    """Settings that were not saved: ``{setting}: {problem}`` (or the problem alone)."""

    owner = TEXTS


def problem(error: ErrorDetails) -> LocalizedValue:
    """What is wrong with one value, worded per reader from the error's type and context."""
    context = error.get("ctx") or {}
    raised = context.get("error")
    if error["type"] == "value_error" and isinstance(raised, LocalizedValue):
        return raised
    names = WORDED.get(error["type"])
    if names is None or any(name not in context for name in names):
        return TEXTS.phrase("validation.invalid")
    return TEXTS.phrase(f"validation.{error['type']}", **{n: context[n] for n in names})


def refusal(error: ValidationError, label: Callable[[str], object]) -> SettingsRefused:
    """The first error of ``error`` as a :class:`SettingsRefused`, the setting named by
    ``label(field)`` (a human, localized name)."""
    first = error.errors()[0]
    field = str(first["loc"][0]) if first["loc"] else None
    if field is None:
        return SettingsRefused("validation.whole", problem=problem(first))
    return SettingsRefused("validation.field", setting=label(field), problem=problem(first))
