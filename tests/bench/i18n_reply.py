"""What a localized reply costs: ``/rank``'s text through ``Texts`` against an f-string.

    python -m tests.bench.i18n_reply

Both run in one process, one after the other (timeit, best of 5 × 20,000), so the ratio
holds on a busy machine. The localized path picks the reader's locale (German) and formats
nine values with Babel.
"""

from __future__ import annotations

import argparse
import sys
import timeit
from types import SimpleNamespace

import disnake

from plugins.leveling.texts import TEXTS
from tests.bench.common import bench_exit

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


GOAL_SECONDS = 0.001  # a reply's text is built well under a millisecond


def main(argv: list[str] | None = None) -> int:
    """Print the time per reply of both and the verdict; the exit code (``bench_exit``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--number", type=int, default=20_000, help="replies per timing")
    args = parser.parse_args(argv)
    best: dict[str, float] = {}
    for name, make in (("f-string (before)", f_string), ("Texts (after)", localized)):
        make()
        best[name] = min(timeit.repeat(make, number=args.number, repeat=5)) / args.number
        print(f"{name}: {best[name] * 1e6:.1f} µs per reply")
    text = localized()
    correct = "1.234" in text and "alice" in text  # German digit grouping, the value kept
    after, before = best["Texts (after)"], best["f-string (before)"]
    fast = after < GOAL_SECONDS
    print(f"summary: localized reply {after * 1e6:.1f} µs ({after / before:.1f}x "
          f"the f-string; goal < {GOAL_SECONDS * 1e6:.0f} µs), "
          f"{'correct' if correct else 'WRONG'} -> {'PASS' if correct and fast else 'FAIL'}")
    return bench_exit(correct, fast)


if __name__ == "__main__":
    sys.exit(main())
