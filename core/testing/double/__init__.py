"""A local Discord-compatible server ("the double") that real disnake clients talk to.

Typical use::

    async with DiscordDouble(shard_count=2, identify_window=0.2) as double:
        point_disnake_at(double)            # sets disnake.http.Route.BASE
        guild = double.create_guild("Guild", shard=0)
        ...
"""

from . import permissions
from .errors import ApiError
from .faults import FaultRule, Faults
from .ids import SnowflakeGenerator, shard_for
from .interactions import InteractionHandle, InteractionReply, Modal
from .recording import RecordedRequest, RequestLog
from .runner import RunningClient, bot_intents, identify_hook, run_client
from .server import DiscordDouble, DoubleConfig, disnake_pointed_at, point_disnake_at
from .sessions import IdentifyRecord, Session
from .state import Ban, Channel, Command, Guild, Member, Message, Overwrite, Role, User

__all__ = [
    "ApiError",
    "Ban",
    "Channel",
    "Command",
    "DiscordDouble",
    "DoubleConfig",
    "FaultRule",
    "Faults",
    "Guild",
    "IdentifyRecord",
    "InteractionHandle",
    "InteractionReply",
    "Member",
    "Message",
    "Modal",
    "Overwrite",
    "RecordedRequest",
    "RequestLog",
    "RunningClient",
    "Role",
    "Session",
    "SnowflakeGenerator",
    "User",
    "bot_intents",
    "disnake_pointed_at",
    "identify_hook",
    "permissions",
    "point_disnake_at",
    "run_client",
    "shard_for",
]
