"""deploy/systemd/guildhall.service: verified by systemd where it is installed; its keys,
signal, restart policy and sandboxing checked by a parser everywhere (never skipped)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from core.runtime.cluster_settings import ClusterSettings
from tests.deploy.files import DEPLOY

UNIT = DEPLOY / "systemd" / "guildhall.service"
KNOWN_KEYS = {
    "Unit": {"Description", "Documentation", "Wants", "After", "Requires", "Before"},
    "Service": {
        "Type", "User", "Group", "WorkingDirectory", "Environment", "EnvironmentFile",
        "ExecStart", "KillSignal", "KillMode", "TimeoutStopSec", "Restart", "RestartSec",
        "RestartPreventExitStatus", "StateDirectory", "StateDirectoryMode", "LimitNOFILE",
        "NoNewPrivileges", "ProtectSystem", "ReadWritePaths", "ProtectHome", "PrivateTmp",
        "PrivateDevices", "ProtectKernelTunables", "ProtectKernelModules", "ProtectKernelLogs",
        "ProtectControlGroups", "ProtectClock", "ProtectHostname", "RestrictSUIDSGID",
        "RestrictRealtime", "RestrictNamespaces", "LockPersonality", "RestrictAddressFamilies",
        "SystemCallArchitectures", "SystemCallFilter", "CapabilityBoundingSet", "UMask",
    },
    "Install": {"WantedBy"},
}


def parse_unit(text: str) -> dict[str, dict[str, list[str]]]:
    """``{section: {key: [values]}}``; raise ``ValueError`` on a line systemd would reject."""
    sections: dict[str, dict[str, list[str]]] = {}
    current: dict[str, list[str]] | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], {})
            continue
        key, sep, value = line.partition("=")
        if current is None or not sep or not key.strip():
            raise ValueError(f"line {number}: not a key=value inside a section: {line!r}")
        current.setdefault(key.strip(), []).append(value.strip())
    return sections


UNIT_KEYS = parse_unit(UNIT.read_text())


def test_every_key_is_a_known_systemd_directive_of_its_section() -> None:
    assert set(UNIT_KEYS) == set(KNOWN_KEYS)
    for section, keys in UNIT_KEYS.items():
        assert set(keys) - KNOWN_KEYS[section] == set(), f"[{section}] unknown keys"


def test_stop_restart_and_sandboxing_baseline() -> None:
    service = {key: values[-1] for key, values in UNIT_KEYS["Service"].items()}
    assert service["ExecStart"].endswith("/guildhall run")
    assert service["KillSignal"] == "SIGTERM"
    assert service["Restart"] == "on-failure"
    assert float(service["TimeoutStopSec"]) > ClusterSettings().stop_timeout_seconds
    assert service["User"] not in ("root", "0")
    for key, value in {"NoNewPrivileges": "yes", "ProtectSystem": "strict", "PrivateTmp": "yes",
                       "ProtectHome": "yes"}.items():
        assert service[key] == value, key
    assert service["ReadWritePaths"] == "/var/lib/guildhall" == service["WorkingDirectory"]
    environment = " ".join(UNIT_KEYS["Service"]["Environment"])
    assert "GUILDHALL_SECRETS_DIR=" in environment


def test_parser_rejects_lines_outside_sections() -> None:
    import pytest

    for text in ("ExecStart=/bin/true\n", "[Service]\nno equals sign\n"):
        with pytest.raises(ValueError):
            parse_unit(text)


def test_systemd_analyze_verify_where_available(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:  # not a skip: the parser tests above check the unit everywhere
        assert UNIT_KEYS["Service"]["ExecStart"]
        return
    # verify needs ExecStart's binary to exist: point it at this interpreter
    text = UNIT.read_text().replace("/opt/guildhall/bin/guildhall run", f"{sys.executable} -V")
    copy = tmp_path / "guildhall.service"
    copy.write_text(text)
    done = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True,
                          timeout=120, check=False)
    complaints = [line for line in (done.stdout + done.stderr).splitlines()
                  if "guildhall.service" in line]
    assert done.returncode == 0 and complaints == [], done.stdout + done.stderr
    broken = tmp_path / "broken.service"
    broken.write_text(text.replace("KillSignal=SIGTERM", "KillSignal=SIGTERM\nKilSignal=x"))
    done = subprocess.run([analyze, "verify", str(broken)], capture_output=True, text=True,
                          timeout=120, check=False)
    assert "KilSignal" in done.stdout + done.stderr  # the check does notice a bad key
