"""Secrets read from files, as Docker/Compose secrets and Kubernetes Secret volumes provide.

Every secret setting can be given as its value (``DISCORD_TOKEN=...``), as a file
(``DISCORD_TOKEN_FILE=/run/secrets/discord_token``: any value variable plus ``_FILE``), or
as a file named ``<section>_<key>`` in the directory ``$GUILDHALL_SECRETS_DIR``. A value
and a file for the same secret are refused; the directory is only read for secrets given
neither way. One trailing newline (``\\n`` or ``\\r\\n``) is stripped; an empty file is
refused. Messages name variables and paths, never the content.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

SECRETS_DIR_VARIABLE = "GUILDHALL_SECRETS_DIR"
FILE_SUFFIX = "_FILE"


class SecretFileError(Exception):
    """A secret's file cannot be used; the one-line message says which and why."""


@dataclass(frozen=True)
class SecretSetting:
    """One secret setting and the environment variables that may hold it."""

    section: str
    key: str
    variables: tuple[str, ...]

    @property
    def dotted(self) -> str:
        """``discord.token``."""
        return f"{self.section}.{self.key}"

    @property
    def file_variables(self) -> tuple[str, ...]:
        """``DISCORD_TOKEN_FILE``, ``GUILDHALL_DISCORD__TOKEN_FILE``."""
        return tuple(variable + FILE_SUFFIX for variable in self.variables)

    @property
    def file_name(self) -> str:
        """The file's name in the secrets directory: ``discord_token``."""
        return f"{self.section}_{self.key}"


SECRET_SETTINGS = (
    SecretSetting("discord", "token", ("DISCORD_TOKEN", "GUILDHALL_DISCORD__TOKEN")),
    SecretSetting("database", "url", ("DATABASE_URL", "GUILDHALL_DATABASE__URL")),
    SecretSetting("redis", "url", ("REDIS_URL", "GUILDHALL_REDIS__URL")),
    SecretSetting("web", "client_secret", ("GUILDHALL_WEB__CLIENT_SECRET",)),
    SecretSetting("web", "status_token", ("GUILDHALL_WEB__STATUS_TOKEN",)),
)
FILE_VARIABLES = frozenset(v for s in SECRET_SETTINGS for v in s.file_variables)


def read_secret_file(path: Path, where: str) -> str:
    """The file's text without its trailing newline; ``where`` names the source in errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise SecretFileError(f"{where}: cannot read {path}: {reason}") from None
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    if not text:
        raise SecretFileError(f"{where}: {path} is empty")
    return text


def _secrets_dir(env: Mapping[str, str]) -> Path | None:
    raw = env.get(SECRETS_DIR_VARIABLE, "")
    if not raw:
        return None
    directory = Path(raw)
    if not directory.is_dir():
        raise SecretFileError(f"{SECRETS_DIR_VARIABLE}={raw}: not a directory")
    return directory


def secrets_from_files(env: Mapping[str, str]) -> dict[tuple[str, str], str]:
    """``{(section, key): value}`` for every secret given by a file or the secrets directory.

    Raise :class:`SecretFileError` when a secret has both a value and a file, two files,
    or a file that cannot be read or is empty.
    """
    directory = _secrets_dir(env)
    found: dict[tuple[str, str], str] = {}
    for setting in SECRET_SETTINGS:
        values = [v for v in setting.variables if env.get(v)]
        files = [v for v in setting.file_variables if env.get(v)]
        if values and files:
            raise SecretFileError(
                f"{values[0]} and {files[0]} are both set; give {setting.dotted} only one way"
            )
        if len(files) > 1:
            raise SecretFileError(
                f"{files[0]} and {files[1]} are both set; give {setting.dotted} only one file"
            )
        if files:
            found[(setting.section, setting.key)] = read_secret_file(
                Path(env[files[0]]), files[0]
            )
        elif not values and directory is not None:
            path = directory / setting.file_name
            if path.exists():
                found[(setting.section, setting.key)] = read_secret_file(
                    path, SECRETS_DIR_VARIABLE
                )
    return found
