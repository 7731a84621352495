"""Discord's published HTTP contract (its OpenAPI 3.1 file) compiled into JSON-schema validators.

The spec is ``spec/openapi.json.gz`` (unchanged, MIT). Validators are built once per process and
per operation (Draft 2020-12, ``$ref`` resolved through a ``referencing`` registry holding the
whole document), so validating a request costs one schema walk.

``SPEC_EXCEPTIONS`` names every place where the file disagrees with Discord's documented
behaviour; validation ignores exactly those disagreements and nothing else.
"""

from __future__ import annotations

import functools
import gzip
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SPEC_PATH = Path(__file__).parent / "spec" / "openapi.json.gz"
_SPEC_URI = "urn:discord:openapi"
_PLACEHOLDER = re.compile(r"\{[^}]+\}")
_METHODS = ("get", "put", "post", "patch", "delete")


@dataclass(frozen=True)
class SpecException:
    """A named disagreement between the spec file and Discord's documented behaviour."""

    name: str
    reason: str
    applies: Callable[[Any], bool]  # given a jsonschema error: is it this disagreement?


def _path_ends(error: Any, *suffix: str) -> bool:
    tail = [str(p) for p in error.absolute_path][-len(suffix) :]
    return len(tail) == len(suffix) and all(
        want in ("*", got) for want, got in zip(suffix, tail, strict=True)
    )


SPEC_EXCEPTIONS: tuple[SpecException, ...] = (
    SpecException(
        "error-detail-code-is-string",
        "Discord's 50035 bodies carry string codes in errors.*._errors[].code "
        "(e.g. BASE_TYPE_REQUIRED, in the documented Error Messages example); "
        "the spec says integer.",
        lambda e: e.validator == "type" and _path_ends(e, "_errors", "*", "code"),
    ),
    SpecException(
        "snowflake-as-integer",
        "Discord accepts a snowflake sent as a JSON integer as well as a string (its reference: "
        "'snowflakes are strings in responses'; requests are coerced, NUMBER_TYPE_COERCE); "
        "disnake sends integers (recipient_id, role ids).",
        lambda e: e.validator == "type"
        and isinstance(e.instance, int)
        and not isinstance(e.instance, bool)
        and isinstance(e.schema, dict)
        and e.schema.get("format") == "snowflake",
    ),
)


def _excepted(error: Any) -> bool:
    return any(exc.applies(error) for exc in SPEC_EXCEPTIONS)


def _excused(error: Any) -> bool:
    """Whether ``error`` is a named spec exception; a ``oneOf``/``anyOf`` failure is excused when
    some branch fails only for excused reasons (that branch is then taken as matching)."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        by_branch: dict[Any, list[Any]] = {}
        for sub in error.context:
            by_branch.setdefault(sub.relative_schema_path[0], []).append(sub)
        return any(all(_excused(sub) for sub in subs) for subs in by_branch.values())
    return _excepted(error)


def schema_errors(validator: Any, instance: Any) -> list[Any]:
    """Validation errors of ``instance``, minus the named spec exceptions."""
    return [e for e in validator.iter_errors(instance) if not _excused(e)]


def shape(template: str) -> str:
    """A path template with every placeholder name erased (``/channels/{}/messages``)."""
    return _PLACEHOLDER.sub("{}", template)


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass
class Operation:
    """One documented operation and its (lazily compiled) validators."""

    contract: Contract
    method: str
    path: str
    operation_id: str
    raw: dict[str, Any]
    _compiled: dict[str, Any] = field(default_factory=dict)

    def _validator(self, key: str, *parts: str) -> Any:
        if key not in self._compiled:
            from jsonschema import Draft202012Validator

            ref = f"{_SPEC_URI}#/{_pointer('paths', self.path, self.method, *parts)}"
            self._compiled[key] = Draft202012Validator(
                {"$ref": ref}, registry=self.contract.registry
            )
        return self._compiled[key]

    def request_validator(self) -> Any | None:
        """The validator of the JSON request body, or None when the operation takes none."""
        content = self.raw.get("requestBody", {}).get("content", {})
        if "application/json" not in content:
            return None
        return self._validator("request", "requestBody", "content", "application/json", "schema")

    def request_required(self) -> bool:
        """Whether the spec requires a body."""
        return bool(self.raw.get("requestBody", {}).get("required"))

    def response_key(self, status: int) -> str | None:
        """The documented response key for ``status`` (exact code first, then ``4XX``)."""
        responses = self.raw.get("responses", {})
        for key in (str(status), f"{str(status)[0]}XX"):
            if key in responses:
                return key
        return None

    def response_validator(self, status: int) -> Any | None:
        """The validator of the answer body for ``status`` (None: documented without body)."""
        key = self.response_key(status)
        if key is None:
            raise KeyError(f"{self.method.upper()} {self.path} does not document status {status}")
        response = self.contract.resolve(self.raw["responses"][key])
        if "application/json" not in response.get("content", {}):
            return None
        return self._response_schema_validator(key)

    def _response_schema_validator(self, key: str) -> Any:
        ref = self.raw["responses"][key].get("$ref")
        if ref is None:
            return self._validator(
                f"body:{key}", "responses", key, "content", "application/json", "schema"
            )
        compiled_key = f"body:{ref}"
        if compiled_key not in self._compiled:
            from jsonschema import Draft202012Validator

            self._compiled[compiled_key] = Draft202012Validator(
                {"$ref": f"{_SPEC_URI}{ref}/content/application~1json/schema"},
                registry=self.contract.registry,
            )
        return self._compiled[compiled_key]


class Contract:
    """The loaded spec: operations by ``(METHOD, shape)`` and a ``referencing`` registry."""

    def __init__(self, spec: dict[str, Any]) -> None:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012

        self.spec = spec
        self.registry = Registry().with_resource(
            _SPEC_URI, Resource.from_contents(spec, default_specification=DRAFT202012)
        )
        self.operations: dict[tuple[str, str], Operation] = {}
        for path, item in spec["paths"].items():
            for method in _METHODS:
                if method in item:
                    op = item[method]
                    self.operations[(method.upper(), shape(path))] = Operation(
                        self, method, path, op.get("operationId", ""), op
                    )

    def resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        """Follow a local ``$ref`` (``#/components/...``) to its target."""
        while "$ref" in node:
            target: Any = self.spec
            for part in node["$ref"].lstrip("#/").split("/"):
                target = target[part.replace("~1", "/").replace("~0", "~")]
            node = target
        return node

    def operation(self, method: str, template: str) -> Operation | None:
        """The documented operation for a route template, or None when Discord has none."""
        return self.operations.get((method.upper(), shape(template)))


@functools.cache
def contract() -> Contract:
    """The process-wide contract (the spec is read and parsed once)."""
    with gzip.open(SPEC_PATH, "rb") as fh:
        return Contract(json.loads(fh.read()))
