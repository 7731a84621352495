"""Check a request the bot sends against Discord's contract before the double acts on it.

Two layers, as Discord applies them: the operation's request schema from the OpenAPI file, then
the documented limits the file does not carry (bots' 2,000-character content, 6,000 characters
across a message's embeds, ``allowed_mentions`` exclusivity, the 512-character audit-log reason).
A violation raises :class:`ApiError` 400/50035 with Discord's nested ``errors`` object, so the
test whose bot sent it fails loudly.

Cost: the schema verdict of a body is kept per process, keyed by the operation and a digest of
the body's canonical JSON, so an identical body is walked once. That matters for the command
sync (``PUT /applications/{id}/commands``): every test's bot sends the same 40-command body,
and walking its nested ``oneOf`` option schemas takes about 0.25 s of CPU, over 95% of all
validation time before this cache (figures in ``docs/double-fidelity.md``).
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any
from urllib.parse import unquote

from .contract import Operation, contract, schema_errors
from .errors import ApiError

MAX_CONTENT = 2000
MAX_EMBED_TOTAL = 6000
MAX_AUDIT_REASON = 512
_MESSAGE_BODIES = ("content", "embeds")
VERDICT_CACHE_SIZE = 4096  # schema verdicts kept per process (digest keys: a few hundred KB)

Problem = tuple[list[str | int], str, str]


class VerdictCache:
    """Schema verdicts by ``(method, path, body digest)``, least recently used evicted first."""

    def __init__(self, size: int = VERDICT_CACHE_SIZE) -> None:
        self.size = size
        self.hits = 0
        self.misses = 0
        self._verdicts: OrderedDict[tuple[str, str, bytes], tuple[Problem, ...]] = OrderedDict()

    def problems(self, op: Operation, validator: Any, instance: Any) -> tuple[Problem, ...]:
        """The schema problems of ``instance`` for ``op``, computed once per distinct body."""
        canonical = json.dumps(instance, sort_keys=True, separators=(",", ":"))
        key = (op.method, op.path, hashlib.blake2b(canonical.encode(), digest_size=16).digest())
        verdict = self._verdicts.get(key)
        if verdict is not None:
            self.hits += 1
            self._verdicts.move_to_end(key)
            return verdict
        self.misses += 1
        verdict = tuple(_describe(e) for e in schema_errors(validator, instance))
        self._verdicts[key] = verdict
        if len(self._verdicts) > self.size:
            self._verdicts.popitem(last=False)
        return verdict


VERDICTS = VerdictCache()  # process-wide, like the compiled validators


def _error_tree(path: list[str | int], code: str, message: str) -> dict[str, Any]:
    node: dict[str, Any] = {"_errors": [{"code": code, "message": message}]}
    for part in reversed(path):
        node = {str(part): node}
    return node


def _merge(into: dict[str, Any], tree: dict[str, Any]) -> None:
    for key, value in tree.items():
        if key == "_errors":
            into.setdefault("_errors", []).extend(value)
        else:
            _merge(into.setdefault(key, {}), value)


def _mismatched(error: Any) -> bool:
    """Whether ``error`` says the branch is not for this body at all: the wrong JSON type
    (``null`` where an object came) or the wrong ``type`` discriminator."""
    path = list(error.relative_path)
    return (path == [] and error.validator == "type") or (
        path == ["type"] and error.validator in ("enum", "const")
    )


def _matching_branch(context: list[Any]) -> list[Any]:
    """The errors of the ``oneOf``/``anyOf`` branches meant for this body (an interaction
    callback of type 8 is judged by the autocomplete branch, not the ``null`` one), else all."""
    branches: dict[Any, list[Any]] = {}
    for sub in context:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    matching = [
        sub
        for subs in branches.values()
        if not any(_mismatched(e) for e in subs)
        for sub in subs
    ]
    return matching or context


def _describe(error: Any) -> Problem:
    """Discord's code and message for one jsonschema error (deepest branch of a oneOf)."""
    from jsonschema.exceptions import best_match

    while error.context:
        error = best_match(_matching_branch(error.context))
    path = list(error.absolute_path)
    kind, value = error.validator, error.validator_value
    if kind == "required":
        missing = next((f for f in value if f not in (error.instance or {})), "")
        return [*path, missing], "BASE_TYPE_REQUIRED", "This field is required"
    if kind == "maxLength":
        return path, "BASE_TYPE_MAX_LENGTH", f"Must be {value} or fewer in length."
    if kind == "minLength":
        return path, "BASE_TYPE_MIN_LENGTH", f"Must be {value} or more in length."
    if kind == "maxItems":
        return path, "BASE_TYPE_MAX_LENGTH", f"Must be {value} or fewer in length."
    if kind in ("maximum", "minimum"):
        return path, "NUMBER_TYPE_MAX" if kind == "maximum" else "NUMBER_TYPE_MIN", (
            f"int value should be {'less' if kind == 'maximum' else 'greater'} than or equal "
            f"to {value}."
        )
    return path, "BASE_TYPE_INVALID", f"Invalid Form Body ({kind}: {error.message[:200]})"


def invalid(problems: list[Problem]) -> ApiError:
    """One 400/50035 carrying every problem under its field path."""
    errors: dict[str, Any] = {}
    for path, code, message in problems:
        _merge(errors, _error_tree(path, code, message))
    return ApiError(400, 50035, "Invalid Form Body", errors)


def _embed_chars(embed: dict[str, Any]) -> int:
    total = len(embed.get("title") or "") + len(embed.get("description") or "")
    total += len((embed.get("footer") or {}).get("text") or "")
    total += len((embed.get("author") or {}).get("name") or "")
    for fld in embed.get("fields") or []:
        if isinstance(fld, dict):
            total += len(str(fld.get("name") or "")) + len(str(fld.get("value") or ""))
    return total


def documented_limits(body: Any) -> list[Problem]:
    """The limits Discord documents for message bodies that the OpenAPI file does not carry."""
    if not isinstance(body, dict):
        return []
    problems: list[Problem] = []
    content = body.get("content")
    if isinstance(content, str) and len(content) > MAX_CONTENT:
        problems.append(
            (["content"], "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_CONTENT} or fewer in length.")
        )
    embeds = body.get("embeds")
    if isinstance(embeds, list):
        total = sum(_embed_chars(e) for e in embeds if isinstance(e, dict))
        if total > MAX_EMBED_TOTAL:
            problems.append(
                (["embeds"], "MAX_EMBED_SIZE_EXCEEDED", "Embed size exceeds maximum size of 6000")
            )
    mentions = body.get("allowed_mentions")
    if isinstance(mentions, dict):
        parse = mentions.get("parse") or []
        for kind in ("users", "roles"):
            if kind in parse and mentions.get(kind):
                problems.append(
                    (
                        ["allowed_mentions", kind],
                        "ALLOWED_MENTIONS_PARSE_EXCLUSIVE",
                        f'parse:["{kind}"] and {kind}: [ids...] are mutually exclusive.',
                    )
                )
    data = body.get("data")
    if isinstance(data, dict) and "type" in body:  # an interaction callback's message data
        problems += [(["data", *p], c, m) for p, c, m in documented_limits(data)]
    return problems


def check_request(
    method: str, route: str, body: Any, headers: Any, *, multipart: bool = False
) -> None:
    """Raise 400/50035 when the request breaks the operation's schema or a documented limit."""
    problems: list[Problem] = []
    reason = headers.get("X-Audit-Log-Reason")
    if reason is not None and len(unquote(reason)) > MAX_AUDIT_REASON:
        problems.append(
            (["reason"], "BASE_TYPE_MAX_LENGTH", f"Must be {MAX_AUDIT_REASON} or fewer in length.")
        )
    op = contract().operation(method, route)
    if op is not None:
        validator = op.request_validator()
        if validator is not None and not (multipart and body is None):
            # Discord reads a missing JSON body as {} (so its required fields are reported)
            instance = {} if body is None else body
            problems += VERDICTS.problems(op, validator, instance)
    problems += documented_limits(body)
    if problems:
        raise invalid(problems)
