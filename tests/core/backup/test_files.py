"""Backup files: names, atomic publication with manifests, and rotation rules."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from core.backup.files import (
    BackupError,
    Manifest,
    final_path,
    list_backups,
    manifest_path,
    newest_verified,
    partial_path,
    prepare_directory,
    publish,
    read_manifest,
    rotate,
    sha256_of,
)

NOW = datetime(2026, 11, 25, 13, 0, 0, tzinfo=UTC)


def make_backup(directory: Path, engine: str, age_days: float, verified: bool = True) -> Path:
    """A published backup whose manifest says it was made ``age_days`` before NOW."""
    created = NOW - timedelta(days=age_days)
    final = final_path(directory, engine, created)
    partial = partial_path(final)
    partial.write_bytes(f"{engine} {age_days}".encode())
    manifest = Manifest(
        engine=engine, created_at=created.isoformat(), verified=verified, tables={"users": 1},
        sha256=sha256_of(partial), size_bytes=partial.stat().st_size, file=final.name,
        error=None if verified else "integrity check failed",
    )
    publish(partial, final, manifest)
    return final


def names(directory: Path) -> set[str]:
    return {path.name for path in directory.iterdir()}


def test_names_carry_the_utc_timestamp_and_never_collide(tmp_path: Path) -> None:
    first = make_backup(tmp_path, "sqlite", 0)
    second = make_backup(tmp_path, "sqlite", 0)
    assert first.name == "guildhall-sqlite-20261125T130000Z.db.gz"
    assert second.name == "guildhall-sqlite-20261125T130000Z-2.db.gz"
    dump = make_backup(tmp_path, "postgres", 0)
    assert dump.name == "guildhall-postgres-20261125T130000Z.dump"
    assert names(tmp_path) == {first.name, second.name, dump.name, first.name + ".json",
                               second.name + ".json", dump.name + ".json"}
    manifest = read_manifest(first)
    assert manifest is not None and manifest.sha256 == sha256_of(first)


def test_rotation_keeps_recent_and_removes_old(tmp_path: Path) -> None:
    old = make_backup(tmp_path, "sqlite", 40)
    older = make_backup(tmp_path, "sqlite", 31)
    recent = make_backup(tmp_path, "sqlite", 29)
    newest = make_backup(tmp_path, "sqlite", 0.1)
    deleted = rotate(tmp_path, keep_days=30, now=NOW)
    assert set(deleted) == {old, older}
    assert names(tmp_path) == {recent.name, newest.name, recent.name + ".json",
                               newest.name + ".json"}


def test_rotation_never_deletes_the_newest_verified_even_when_all_are_old(
    tmp_path: Path,
) -> None:
    backups = [make_backup(tmp_path, "sqlite", days) for days in (90, 60, 45)]
    dump = make_backup(tmp_path, "postgres", 100)
    failed_newer = make_backup(tmp_path, "sqlite", 2, verified=False)
    deleted = rotate(tmp_path, keep_days=30, now=NOW)
    assert set(deleted) == {backups[0], backups[1], failed_newer}
    assert newest_verified(tmp_path, "sqlite").path == backups[2]
    assert names(tmp_path) == {backups[2].name, backups[2].name + ".json", dump.name,
                               dump.name + ".json"}
    assert rotate(tmp_path, keep_days=30, now=NOW) == []  # stable


def test_unverified_and_partial_files_go_after_a_day(tmp_path: Path) -> None:
    make_backup(tmp_path, "sqlite", 0)
    fresh_failed = make_backup(tmp_path, "sqlite", 0.5, verified=False)
    stale_partial = tmp_path / ".guildhall-sqlite-20261120T000000Z.db.gz.abcd.partial"
    fresh_partial = tmp_path / ".guildhall-sqlite-20261125T120000Z.db.gz.ef01.partial"
    no_manifest = tmp_path / "guildhall-postgres-20261101T000000Z.dump"
    for path in (stale_partial, fresh_partial, no_manifest):
        path.write_bytes(b"half a backup")
    two_days_ago = (NOW - timedelta(days=2)).timestamp()
    os.utime(stale_partial, (two_days_ago, two_days_ago))
    os.utime(no_manifest, (two_days_ago, two_days_ago))
    deleted = rotate(tmp_path, keep_days=30, now=NOW)
    assert set(deleted) == {stale_partial, no_manifest}
    assert fresh_failed.exists() and fresh_partial.exists()


def test_unreadable_manifest_counts_as_unverified(tmp_path: Path) -> None:
    good = make_backup(tmp_path, "sqlite", 3)
    damaged = make_backup(tmp_path, "sqlite", 1)
    manifest_path(damaged).write_text("{not json")
    assert [item.verified for item in list_backups(tmp_path)] == [True, False]
    assert newest_verified(tmp_path).path == good


def test_directory_that_cannot_be_used_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(BackupError, match="exists but is not a directory"):
        prepare_directory(blocker)
    with pytest.raises(BackupError, match="cannot write"):
        prepare_directory(blocker / "below")
    assert prepare_directory(tmp_path / "a" / "b").is_dir()


def test_failed_publication_leaves_nothing(tmp_path: Path) -> None:
    final = final_path(tmp_path, "sqlite", NOW)
    partial = partial_path(final)  # never written: publication must fail cleanly
    manifest = Manifest("sqlite", NOW.isoformat(), True, {}, "0" * 64, 0, final.name)
    with pytest.raises(BackupError, match="cannot write"):
        publish(partial, final, manifest)
    assert list(tmp_path.iterdir()) == []
