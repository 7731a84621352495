"""Message nonces: Discord's ``nonce`` + ``enforce_nonce`` de-duplication of create-message.

Discord documents that with ``enforce_nonce: true`` "the nonce will be checked for uniqueness
in the past few minutes. If another message was created by the same author with the same
nonce, that message will be returned and no new message will be created." The double keys
nonces by channel, author and nonce (compared as text, since a nonce is an integer or a string)
and remembers them for ``DoubleConfig.nonce_window`` seconds of ``DoubleConfig.clock``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from .state import Message

NonceKey = tuple[int, int, str]


class NonceRegistry:
    """Messages created with a nonce, by ``(channel, author, nonce)``, within the window."""

    def __init__(self, window: Callable[[], float], clock: Callable[[], float]) -> None:
        self._window = window  # read on each use: tests may change the config
        self._clock = clock
        self._seen: OrderedDict[NonceKey, tuple[float, Message]] = OrderedDict()

    @staticmethod
    def _key(channel_id: int, author_id: int, nonce: int | str) -> NonceKey:
        return (channel_id, author_id, str(nonce))

    def _forget_expired(self) -> None:
        horizon = self._clock() - self._window()
        while self._seen:
            key, (created, _) = next(iter(self._seen.items()))
            if created >= horizon:
                break
            del self._seen[key]

    def original(self, channel_id: int, author_id: int, nonce: int | str) -> Message | None:
        """The message already created with this nonce within the window, if any."""
        self._forget_expired()
        found = self._seen.get(self._key(channel_id, author_id, nonce))
        return found[1] if found is not None else None

    def remember(self, msg: Message) -> None:
        """Record ``msg`` (created with ``msg.nonce``) as of now."""
        if msg.nonce is None:
            return
        key = self._key(msg.channel_id, msg.author.id, msg.nonce)
        self._seen[key] = (self._clock(), msg)
        self._seen.move_to_end(key)
