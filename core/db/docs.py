"""The data documentation, collected from the code: tables, columns, keys and lifecycles.

``guildhall db docs`` renders what :func:`collect` gathers (see :mod:`core.db.docs_render`)
into ``docs/DATABASE.md``; CI compares the committed file with a fresh rendering, so the
document cannot drift from the schema. Everything here comes from the Tortoise models of
core and the enabled plugins (each model's ``LIFECYCLE``, see :mod:`core.db.lifecycle`) and
from the maintenance jobs the plugins declare. Nothing connects to a database.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from hashlib import sha256
from typing import Any

from pydantic import SecretStr
from tortoise import Tortoise
from tortoise.fields import Field
from tortoise.fields.db_defaults import SqlDefault
from tortoise.fields.relational import RelationalField
from tortoise.indexes import Index
from tortoise.models import Model

from core.db.database import CORE_APP, tortoise_config
from core.db.lifecycle import Lifecycle
from core.maintenance.engine import MaintenanceEngine
from core.plugins.contracts import RetentionPolicy
from core.runtime.assembly import Runtime
from core.runtime.config import DatabaseSettings
from core.timers.columns import TimerColumns

DIALECTS = ("sqlite", "postgres")  # the order of ColumnDoc.types
# Tables of libraries, not of guildhall code: their lifecycle is documented here.
EXTERNAL_LIFECYCLES: dict[str, Lifecycle] = {
    "aerich": Lifecycle(
        represents="One applied migration file (app, file name, models state), "
        "written by `guildhall db upgrade` (aerich's bookkeeping table).",
        grows="One row per migration file applied.",
        cleaned="Never: it is how the database knows its schema version.",
        owner="core",
        retention="Kept forever.",
    ),
}


# What core's own (non-policy) maintenance jobs do, for the job table.
CORE_JOB_ACTIONS: dict[str, tuple[str, str]] = {
    "core.maintenance_runs.delete": ("delete", "maintenance_runs"),
    "core.web_sessions.delete": ("delete sessions whose expires_at is", "web_sessions"),
    "core.purge_departed_guilds": (
        "purge the data of guilds whose grace period after removal ended", "guild_departures"),
    "core.integrity": ("run the plugins' integrity checks (read-only; logs problems)", ""),
    "core.rank_counts": (
        "rebuild the rank counts of guilds that differ from a full count", "guild_xp_buckets"),
    "core.db_care": ("VACUUM / ANALYZE when enough space is free", ""),
}


class LifecycleMissing(Exception):
    """Models without a ``LIFECYCLE``: the documentation cannot be generated."""


@dataclass(frozen=True, slots=True)
class ColumnDoc:
    """One column: its type on each dialect, nullability, default and key role."""

    name: str
    types: tuple[str, str]  # (sqlite, postgres)
    nullable: bool
    default: str
    key: str
    description: str


@dataclass(frozen=True, slots=True)
class IndexDoc:
    """An index or unique constraint (``name`` is empty for inline UNIQUE columns)."""

    name: str
    columns: tuple[str, ...]
    unique: bool


@dataclass(frozen=True, slots=True)
class ForeignKeyDoc:
    """A column referencing another table."""

    column: str
    table: str
    to_column: str
    on_delete: str


@dataclass(frozen=True, slots=True)
class TableDoc:
    """Everything documented about one table."""

    app: str
    table: str
    model: str
    summary: str
    columns: tuple[ColumnDoc, ...]
    indexes: tuple[IndexDoc, ...]
    foreign_keys: tuple[ForeignKeyDoc, ...]
    lifecycle: Lifecycle
    timer_table: bool


@dataclass(frozen=True, slots=True)
class JobDoc:
    """One maintenance job: what it does to which table, how often, after what."""

    name: str
    owner: str
    schedule: str
    action: str
    table: str
    age: str
    after: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DataDoc:
    """The whole data documentation, ready to render."""

    tables: tuple[TableDoc, ...]
    jobs: tuple[JobDoc, ...]


# -- columns -----------------------------------------------------------------------------


def _sql_type(field: Field, dialect: str) -> str:
    if field.pk and field.generated:
        generated = field.get_for_dialect(dialect, "GENERATED_SQL") or ""
        for words in ("NOT NULL", "PRIMARY KEY"):
            generated = generated.replace(words, "")
        return " ".join(generated.split())
    return str(field.get_for_dialect(dialect, "SQL_TYPE"))


def _value(value: Any) -> str:
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, SqlDefault):
        return f"{type(value).__name__.lower()}()"
    if callable(value):
        return f"{getattr(value, '__name__', type(value).__name__)}()"
    return repr(value)


def _default(field: Field) -> str:
    if field.pk and field.generated:
        return "generated"
    if getattr(field, "auto_now", False):
        return "now() on every save"
    if getattr(field, "auto_now_add", False):
        return "now() on insert"
    if field.has_db_default():
        return _value(field.db_default)
    if field.default is not None:
        return f"{_value(field.default)} (set by the app)"
    return ""


def _columns(model: type[Model]) -> tuple[ColumnDoc, ...]:
    meta = model._meta
    sources = {
        meta.fields_map[name].source_field or f"{name}_id": name for name in meta.fk_fields
    }
    timer = set(TimerColumns._meta.fields_map) if issubclass(model, TimerColumns) else set()
    names = list(meta.fields_db_projection)
    names.sort(key=lambda n: (n != meta.pk_attr, n in timer))
    columns = []
    for name in names:
        field = meta.fields_map[name]
        column = meta.fields_db_projection[name]
        if field.pk:
            key = "PK"
        elif name in sources:
            target = meta.fields_map[sources[name]]
            key = f"FK {_related(target)._meta.db_table}"
        else:
            key = "UNIQUE" if field.unique else ""
        columns.append(ColumnDoc(
            name=column,
            types=(_sql_type(field, DIALECTS[0]), _sql_type(field, DIALECTS[1])),
            nullable=field.null,
            default=_default(field),
            key=key,
            description=field.description or "",
        ))
    return tuple(columns)


# -- indexes and keys ----------------------------------------------------------------------


def tortoise_index_name(prefix: str, table: str, columns: Iterable[str]) -> str:
    """The name Tortoise's schema generator gives an unnamed index (``idx``/``uid``)."""
    names = list(columns)
    digest = sha256(";".join([table, *names]).encode()).hexdigest()[:6]
    return f"{prefix}_{table[:11]}_{names[0][:7]}_{digest}"


def _column_of(model: type[Model], name: str) -> str:
    meta = model._meta
    if name in meta.fk_fields:
        name = meta.fields_map[name].source_field or f"{name}_id"
    return meta.fields_db_projection.get(name, name)


def _indexes(model: type[Model]) -> tuple[IndexDoc, ...]:
    meta = model._meta
    table = meta.db_table
    found: list[IndexDoc] = []
    for name, column in meta.fields_db_projection.items():
        field = meta.fields_map[name]
        if field.pk:
            continue
        if field.unique:
            found.append(IndexDoc("", (column,), True))
        elif field.index:
            found.append(IndexDoc(tortoise_index_name("idx", table, [column]), (column,), False))
    for together in meta.unique_together or ():
        columns = tuple(_column_of(model, n) for n in together)
        found.append(IndexDoc(tortoise_index_name("uid", table, columns), columns, True))
    for index in meta.indexes or ():
        if isinstance(index, Index):
            columns = tuple(_column_of(model, n) for n in index.fields)
            columns += tuple(str(e) for e in getattr(index, "expressions", ()) or ())
            name = index.name or tortoise_index_name("idx", table, columns)
            unique = type(index).__name__.lower().startswith("unique")
            found.append(IndexDoc(name, columns, unique))
        else:
            columns = tuple(_column_of(model, n) for n in index)
            found.append(IndexDoc(tortoise_index_name("idx", table, columns), columns, False))
    return tuple(sorted(set(found), key=lambda i: (i.name or "~", i.columns)))


def _related(field: Field[Any]) -> type[Model]:
    """The model a foreign-key (or one-to-one) field points at."""
    if not isinstance(field, RelationalField):
        raise TypeError(f"{field!r} is not a relation")
    return field.related_model


def _foreign_keys(model: type[Model]) -> tuple[ForeignKeyDoc, ...]:
    meta = model._meta
    keys = []
    for name in sorted(meta.fk_fields | meta.o2o_fields):
        field = meta.fields_map[name]
        related = _related(field)._meta
        keys.append(ForeignKeyDoc(
            column=field.source_field or f"{name}_id",
            table=related.db_table,
            to_column=related.fields_db_projection[getattr(field, "to_field", None)
                                                   or related.pk_attr],
            on_delete=str(getattr(field, "on_delete", "")).upper(),
        ))
    return tuple(keys)


# -- tables ---------------------------------------------------------------------------------


def model_lifecycle(model: type[Model]) -> Lifecycle | None:
    """The model's ``LIFECYCLE`` (or the documented one of a library table)."""
    lifecycle = getattr(model, "LIFECYCLE", None)
    if isinstance(lifecycle, Lifecycle):
        return lifecycle
    return EXTERNAL_LIFECYCLES.get(model._meta.db_table)


def describe_table(app: str, model: type[Model]) -> TableDoc:
    """The documentation of one model (its ``LIFECYCLE`` must be present)."""
    lifecycle = model_lifecycle(model)
    if lifecycle is None:
        raise LifecycleMissing(f"{model.__module__}.{model.__name__} has no LIFECYCLE")
    doc = (model.__doc__ or "").strip()
    return TableDoc(
        app=app,
        table=model._meta.db_table,
        model=f"{model.__module__}.{model.__name__}",
        summary=" ".join(doc.split("\n\n")[0].split()).replace("``", "`"),
        columns=_columns(model),
        indexes=_indexes(model),
        foreign_keys=_foreign_keys(model),
        lifecycle=lifecycle,
        timer_table=issubclass(model, TimerColumns),
    )


def describe_apps(apps: dict[str, Iterable[type[Model]]]) -> tuple[TableDoc, ...]:
    """Tables of ``{app: models}``: core first, then apps by name, tables by name.

    Raises :class:`LifecycleMissing` naming every model without a ``LIFECYCLE``.
    """
    missing = [
        f"{model.__module__}.{model.__name__} (table {model._meta.db_table}, app {app})"
        for app, models in apps.items()
        for model in models
        if model_lifecycle(model) is None
    ]
    if missing:
        raise LifecycleMissing(
            "every model must set LIFECYCLE = Lifecycle(...) (core.db.lifecycle); missing on: "
            + "; ".join(sorted(missing))
        )
    tables = [describe_table(app, m) for app, models in apps.items() for m in models]
    return tuple(sorted(tables, key=lambda t: (t.app != CORE_APP, t.app, t.table)))


# -- maintenance jobs -----------------------------------------------------------------------


def _duration(period: timedelta) -> str:
    days, seconds = period.days, period.seconds
    if seconds == 0:
        return f"{days} day{'s' if days != 1 else ''}"
    return f"{period.total_seconds() / 3600:g} hours"


def _conditions(values: dict[str, Any]) -> str:
    return ", ".join(f"{k} = {_value(v)}" for k, v in sorted(values.items()))


def _policy_action(policy: RetentionPolicy) -> str:
    kind = str(policy.kind)
    if kind == "expire":
        action = f"expire (set {_conditions(policy.set_values)})"
    elif kind == "archive" and policy.archive_model is not None:
        action = f"archive into {policy.archive_model._meta.db_table}"
    else:
        action = kind
    if policy.extra_filter:
        action += f" where {_conditions(policy.extra_filter)}"
    return action


def describe_jobs(runtime: Runtime) -> tuple[JobDoc, ...]:
    """The maintenance jobs of core and the enabled plugins, in run order."""
    policies: dict[str, RetentionPolicy] = {}
    for _owner, declared in runtime.plugins.call(
        "guildhall_retention_policies", settings=runtime.settings
    ):
        policies.update({p.name: p for p in declared if isinstance(p, RetentionPolicy)})
    jobs = []
    for job in MaintenanceEngine(runtime.settings, runtime.plugins).jobs():
        policy = policies.get(job.name)
        if policy is not None:
            action, table = _policy_action(policy), policy.model._meta.db_table
            age = f"{policy.age_column} older than " if job.older_than else ""
        else:
            action, table = CORE_JOB_ACTIONS.get(job.name, ("core job", ""))
            age = "older than " if job.older_than else ""
        jobs.append(JobDoc(
            name=job.name,
            owner=job.owner,
            schedule=str(job.schedule),
            action=action,
            table=table,
            age=age + _duration(job.older_than) if job.older_than else "",
            after=tuple(job.after),
        ))
    return tuple(jobs)


# -- entry point ---------------------------------------------------------------------------


async def collect(runtime: Runtime) -> DataDoc:
    """Gather the documentation of core and every enabled plugin (offline: no database).

    Initialises Tortoise on an in-memory SQLite database to resolve the models, then
    closes it; do not call while the process has the real database open.
    """
    memory = DatabaseSettings(url=SecretStr("sqlite://:memory:"))
    config = tortoise_config(memory, runtime.plugin_models)
    await Tortoise.init(config=config)
    try:
        apps: dict[str, Iterable[type[Model]]] = {
            app: list(models.values()) for app, models in Tortoise.apps.items()}
        tables = describe_apps(apps)
    finally:
        await Tortoise.close_connections()
    return DataDoc(tables=tables, jobs=describe_jobs(runtime))
