"""Configuration problems in words: which variable or file key, and how to write it.

Every problem names where the value came from (the ``GUILDHALL_*`` or conventional
environment variable, else the config file's key); a list or table given the wrong way
says how to write one (JSON in a variable, TOML in the file). :func:`unknown_variables`
finds ``GUILDHALL_SECTION__KEY`` variables that name no setting, like unknown file keys.
"""

from __future__ import annotations

import difflib
import json
import typing
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from core.runtime.url_secrets import mask_url

PREFIX = "GUILDHALL_"
DELIMITER = "__"
CONVENTIONAL = {"DISCORD_TOKEN": "discord.token", "DATABASE_URL": "database.url",
                "REDIS_URL": "redis.url"}
WRONG_SHAPE = ("list_type", "dict_type", "model_type", "model_attributes_type")
FILE_SUFFIX = "_FILE"  # GUILDHALL_X__Y_FILE: the value is read from a file (secrets)


def variable_for(key: str) -> str:
    """``database.pool_max_size`` -> ``GUILDHALL_DATABASE__POOL_MAX_SIZE``."""
    return PREFIX + DELIMITER.join(part.upper() for part in key.split("."))


def _annotation(model: type[BaseModel], path: list[str]) -> Any:
    """The type of the field at ``path`` (``None`` when unknown or free-form)."""
    current: Any = model
    for part in path:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        field = current.model_fields.get(part)
        if field is None:
            return None
        current = field.annotation
    return current


def _kind(annotation: Any) -> str | None:
    origin = typing.get_origin(annotation) or annotation
    if origin in (list, tuple, set):
        return "list"
    if origin is dict or (isinstance(origin, type) and issubclass(origin, BaseModel)):
        return "table"
    return None


def _env_lookup(env: Mapping[str, str]) -> dict[str, str]:
    return {name.upper(): name for name in env}


def _source_variable(loc: tuple[Any, ...], env: Mapping[str, str]) -> str | None:
    """The environment variable that set ``loc`` (or an enclosing table), if any."""
    names = _env_lookup(env)
    parts = [str(part) for part in loc if not isinstance(part, int)]
    for end in range(len(parts), 0, -1):
        candidate = variable_for(".".join(parts[:end]))
        if candidate in names:
            return names[candidate]
    conventional = {value: name for name, value in CONVENTIONAL.items()}.get(".".join(parts))
    if conventional and env.get(conventional):
        return conventional
    return None


def _example(kind: str, raw: Any, in_env: bool) -> str:
    if kind == "list":
        items: list[Any]
        if isinstance(raw, list):
            items = raw
        elif isinstance(raw, str) and raw.strip():
            items = [_scalar(item.strip()) for item in raw.strip("[]").split(",") if item.strip()]
        elif raw is not None and not isinstance(raw, dict):
            items = [raw]
        else:
            items = []
        text = json.dumps(items or ["value"])
        return f"write a JSON list, e.g. '{text}'" if in_env else f"write a TOML list, e.g. {text}"
    return ("write a JSON object, e.g. '{\"key\": \"value\"}'" if in_env
            else "write a TOML table, e.g. [section.name] with key = value lines")


def _scalar(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return text.strip("'\"")


def _shown(key: str, value: Any) -> Any:
    if isinstance(value, dict):
        return "{...}"
    if key.endswith("url"):
        return mask_url(str(value))
    if "token" in key or "secret" in key or "password" in key:
        return "***"
    return value


def describe_validation_error(
    error: ValidationError, model: type[BaseModel], config_file: str, env: Mapping[str, str]
) -> str:
    """Each problem on its own line: where from, key, value, rule, how to write it."""
    problems = []
    for item in error.errors():
        loc = item["loc"]
        key = ".".join(str(part) for part in loc)
        variable = _source_variable(loc, env)
        raw = env[variable] if variable else item.get("input")
        where = f"environment variable {variable}" if variable else config_file
        message = item["msg"]
        if item["type"] == "extra_forbidden":
            message = "unknown setting (check the spelling against config.toml)"
        field_path = [str(p) for p in loc if not isinstance(p, int)]
        kind = _kind(_annotation(model, field_path))
        if kind and item["type"] in WRONG_SHAPE:
            message += f"; {_example(kind, raw, variable is not None)}"
        problems.append(f"{where}: {key} = {_shown(key, item.get('input'))!r}: {message}")
    return _join(problems)


def describe_unparsable_variable(model: type[BaseModel], env: Mapping[str, str]) -> str | None:
    """The message for a ``GUILDHALL_*`` list or table variable that is not valid JSON."""
    problems = []
    for name, value in sorted(env.items()):
        path = _setting_path(name)
        if path is None:
            continue
        kind = _kind(_annotation(model, path))
        if kind is None:
            continue
        try:
            json.loads(value)
        except ValueError:
            problems.append(
                f"environment variable {name} = {_shown(name.lower(), value)!r}: not valid "
                f"JSON; {_example(kind, value, True)}"
            )
    return _join(problems) if problems else None


def _setting_path(name: str) -> list[str] | None:
    upper = name.upper()
    if not upper.startswith(PREFIX) or DELIMITER not in upper:
        return None
    return [part.lower() for part in upper[len(PREFIX):].split(DELIMITER)]


def _known(model: type[BaseModel], path: list[str]) -> tuple[bool, list[str]]:
    """Whether ``path`` names a setting; else the valid names at the first wrong step."""
    current: Any = model
    for part in path:
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return True, []  # inside a free-form value (a dict or a list)
        field = current.model_fields.get(part)
        if field is None:
            if current.model_config.get("extra") == "allow":
                return True, []  # e.g. [plugins.NAME] tables, checked by the plugin
            return False, list(current.model_fields)
        current = field.annotation
    return True, []


def unknown_variables(model: type[BaseModel], env: Mapping[str, str]) -> list[str]:
    """One line per ``GUILDHALL_SECTION__KEY`` variable that names no setting."""
    problems = []
    for name in sorted(env):
        path = _setting_path(name)
        if path is None or not all(path):
            continue
        known, choices = _known(model, path)
        if not known and path[-1].endswith(FILE_SUFFIX.lower()):
            known, _ = _known(model, [*path[:-1], path[-1][: -len(FILE_SUFFIX)]])
        if known:
            continue
        key = ".".join(path)
        depth = len(path) - 1
        for index in range(len(path)):
            if not _known(model, path[: index + 1])[0]:
                depth = index
                break
        close = difflib.get_close_matches(path[depth], choices, n=1)
        hint = ""
        if close:
            meant = ".".join([*path[:depth], close[0], *path[depth + 1:]])
            hint = f"; did you mean {variable_for(meant)}?"
        problems.append(
            f"environment variable {name}: {key} is an unknown setting (check the spelling "
            f"against config.toml){hint}"
        )
    return problems


def _join(problems: list[str]) -> str:
    if len(problems) == 1:
        return f"invalid configuration: {problems[0]}"
    return "invalid configuration:\n" + "\n".join(f"  {line}" for line in problems)
