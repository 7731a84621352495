"""Data lifecycle metadata that every model carries in code.

The seed document's rule is that a table without a documented lifecycle becomes tribal
knowledge. Each model sets ``LIFECYCLE`` so the data documentation can be generated from
code and a test can fail when a model lacks it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Lifecycle:
    """What a table means and how it grows and shrinks.

    Attributes:
        represents: what one row is in the bot's world.
        grows: when rows are added.
        cleaned: when and how rows leave (or ``"never"`` with the reason).
        owner: the plugin (or ``"core"``) whose service functions may change the table.
        retention: the retention policy with its configurable default.
    """

    represents: str
    grows: str
    cleaned: str
    owner: str
    retention: str
