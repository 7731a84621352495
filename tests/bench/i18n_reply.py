"""What a localized reply costs: ``/rank``'s text through ``Texts`` against an f-string.

    python -m tests.bench.i18n_reply

Both run in one process, one after the other (timeit, best of 5 × 20,000), so the ratio
holds on a busy machine. The localized path picks the reader's locale (German) and formats
nine values with Babel.
"""

from __future__ import annotations

import timeit
from types import SimpleNamespace

import disnake

from plugins.leveling.texts import TEXTS

READER = SimpleNamespace(locale=disnake.Locale.de, guild_locale=disnake.Locale.en_US)
VALUES = {"name": "alice", "level": 3, "total": 1234, "into": 100, "span": 300,
          "remaining": 200, "next_level": 4, "position": 2, "global_level": 1}


def localized() -> str:
    """The reply as the leveling cog makes it now."""
    return TEXTS.to(READER)("rank.text", **VALUES)


def f_string() -> str:
    """The reply as it was made before localization."""
    v = VALUES
    return (
        f"**{v['name']}** is level **{v['level']}** with {v['total']:,} XP: "
        f"{v['into']:,}/{v['span']:,} XP into level {v['level']}, {v['remaining']:,} XP to "
        f"level {v['next_level']}. Rank **#{v['position']:,}** in this server. "
        f"Global level {v['global_level']}."
    )


def main(number: int = 20_000) -> None:
    """Print the time per reply of both."""
    for name, make in (("f-string (before)", f_string), ("Texts (after)", localized)):
        make()
        best = min(timeit.repeat(make, number=number, repeat=5)) / number
        print(f"{name}: {best * 1e6:.1f} µs per reply")


if __name__ == "__main__":
    main()
