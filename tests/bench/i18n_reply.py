"""What a localized reply costs: ``/rank``'s text through ``Texts``, with each locale's
Babel objects cached (now) and looked up per value (before), against an f-string.

    python -m tests.bench.i18n_reply

All three run in one process, interleaved round by round (timeit, best of 5 × 20,000), so
the ratios hold on a busy machine; the load average is printed beside the figures. The
localized path picks the reader's locale (German) and formats nine values.
"""

from __future__ import annotations

import argparse
import os
import sys
import timeit
from collections.abc import Callable, Mapping
from decimal import Decimal
from types import SimpleNamespace

import disnake
from babel.numbers import format_decimal

from core.i18n.formatting import LocalizedValue, babel_locale
from core.i18n.locale_choice import choose_locale, reader_locales
from plugins.leveling.texts import TEXTS
from tests.bench.common import bench_exit

READER = SimpleNamespace(locale=disnake.Locale.de, guild_locale=disnake.Locale.en_US)
VALUES = {"name": "alice", "level": 3, "total": 1234, "into": 100, "span": 300,
          "remaining": 200, "next_level": 4, "position": 2, "global_level": 1}


def localized() -> str:
    """The reply as the leveling cog makes it now (cached ``LocaleFormats``)."""
    return TEXTS.to(READER)("rank.text", **VALUES)


def _format_uncached(value: object, locale: str) -> str:
    """``format_value`` before the review: a Protocol check, then Babel's general path."""
    if isinstance(value, LocalizedValue):
        return value.localized_text(locale)
    where = babel_locale(locale)
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return str(format_decimal(value, locale=where))
    return str(value)


def _render_uncached(template: str, locale: str, values: Mapping[str, object]) -> str:
    return template.format_map({k: _format_uncached(v, locale) for k, v in values.items()})


def localized_uncached() -> str:
    """The same reply as it was made before the Babel objects were cached per locale."""
    chosen = choose_locale(TEXTS.files.locales(), *reader_locales(READER))
    return _render_uncached(TEXTS.files.template(chosen.texts, "rank.text"), chosen.formats,
                            VALUES)


def f_string() -> str:
    """The reply as it was made before localization."""
    v = VALUES
    return (
        f"**{v['name']}** is level **{v['level']}** with {v['total']:,} XP: "
        f"{v['into']:,}/{v['span']:,} XP into level {v['level']}, {v['remaining']:,} XP to "
        f"level {v['next_level']}. Rank **#{v['position']:,}** in this server. "
        f"Global level {v['global_level']}."
    )


GOAL_SECONDS = 0.001  # a reply's text is built well under a millisecond
NO_REGRESSION = 1.10  # cached may not be slower than uncached (10 % for timer noise)
CASES: dict[str, Callable[[], str]] = {
    "f-string (no localization)": f_string,
    "Texts, Babel per value (before)": localized_uncached,
    "Texts, cached LocaleFormats (after)": localized,
}


def main(argv: list[str] | None = None) -> int:
    """Print the time per reply of each, the load average and the verdict; the exit code
    (``bench_exit``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20_000, help="replies per timing")
    args = parser.parse_args(argv)
    best = {name: float("inf") for name in CASES}
    for make in CASES.values():
        make()
    for _ in range(5):  # interleaved: a burst of load hits every case alike
        for name, make in CASES.items():
            best[name] = min(best[name], timeit.timeit(make, number=args.number) / args.number)
    load = os.getloadavg()[0]
    for name, seconds in best.items():
        print(f"{name:<38} {seconds * 1e6:8.1f} µs per reply")
    text, before_text = localized(), localized_uncached()
    correct = "1.234" in text and "alice" in text and text == before_text
    after = best["Texts, cached LocaleFormats (after)"]
    before = best["Texts, Babel per value (before)"]
    plain = best["f-string (no localization)"]
    fast = after < GOAL_SECONDS and after <= before * NO_REGRESSION
    print(f"summary: localized reply {after * 1e6:.1f} µs, before {before * 1e6:.1f} µs "
          f"({before / after:.1f}x faster; {after / plain:.1f}x the f-string; goal < "
          f"{GOAL_SECONDS * 1e6:.0f} µs and no slower than before), load average {load:.1f}, "
          f"{'correct' if correct else 'WRONG'} -> {'PASS' if correct and fast else 'FAIL'}")
    return bench_exit(correct, fast)


if __name__ == "__main__":
    sys.exit(main())
