"""deploy/Containerfile parses and has the stages, user, entrypoint and checks it promises."""

from __future__ import annotations

import json
import tomllib

from tests.deploy.containerfile import parse
from tests.deploy.files import DEPLOY, ROOT

IMAGE = parse(DEPLOY / "Containerfile")


def test_stages_and_base_image_argument() -> None:
    assert IMAGE.args == {"BASE_IMAGE": "python:3.12-slim"}
    assert [s.name for s in IMAGE.stages] == ["build", "runtime", "test"]
    assert IMAGE.stage("build").image == "${BASE_IMAGE}"
    assert IMAGE.stage("runtime").image == "${BASE_IMAGE}"
    assert IMAGE.stage("test").image == "runtime"


def test_build_installs_guildhall_with_locked_dependencies_into_a_venv() -> None:
    build = IMAGE.stage("build")
    runs = " ".join(build.all("RUN"))
    assert "python3 -m venv /opt/guildhall" in runs
    assert "pip install -r deploy/requirements.lock" in runs
    assert "pip install --no-deps -c deploy/requirements.lock ." in runs
    assert "pip check" in runs  # the lock satisfies guildhall's own requirements
    assert "PIP_CERT=$PIP_CA_BUNDLE" in runs and "PIP_CA_BUNDLE=" in build.all("ARG")
    for copy in build.all("COPY"):
        for source in copy.split()[:-1]:
            assert (ROOT / source).exists(), f"COPY {source}: not in the repository"


def test_lock_pins_every_runtime_dependency() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = (DEPLOY / "requirements.lock").read_text().splitlines()
    pinned = {line.split("==")[0].lower().replace("_", "-")
              for line in lines if line and not line.startswith("#")}
    assert all("==" in line for line in lines if line and not line.startswith("#"))
    for requirement in project["dependencies"]:
        name = requirement.split(">")[0].split("<")[0].split("=")[0].split("[")[0]
        assert name.lower().replace("_", "-") in pinned, f"{name} is not in requirements.lock"


def test_runtime_runs_guildhall_under_tini_as_a_non_root_user() -> None:
    runtime = IMAGE.stage("runtime")
    runs = " ".join(runtime.all("RUN"))
    for package in ("tini", "postgresql-client", "curl"):
        assert package in runs
    assert "useradd" in runs and runtime.all("USER") == ["guildhall"]
    assert json.loads(runtime.all("ENTRYPOINT")[0]) == ["tini", "--", "guildhall"]
    assert json.loads(runtime.all("CMD")[0]) == ["run"]
    assert json.loads(runtime.all("VOLUME")[0]) == ["/data"]
    [healthcheck] = runtime.all("HEALTHCHECK")
    assert healthcheck.endswith('CMD ["guildhall-probe", "livez"]')
    copies = runtime.all("COPY")
    assert "deploy/guildhall-probe /usr/local/bin/guildhall-probe" in copies
    assert "deploy/config.toml /etc/guildhall/config.toml" in copies
    assert any(env.startswith("PATH=/opt/guildhall/bin") for env in runtime.all("ENV"))


def test_test_target_runs_the_demo_script_and_the_migration_check() -> None:
    runs = " ".join(IMAGE.stage("test").all("RUN"))
    assert "guildhall sandbox --script demo" in runs
    assert "guildhall db check" in runs
    assert "demo.txt" in {p.name for p in (ROOT / "core/testing/scripts").iterdir()}


def test_probe_script_is_executable_posix_shell() -> None:
    probe = DEPLOY / "guildhall-probe"
    assert probe.read_text().startswith("#!/bin/sh\n")
    assert probe.stat().st_mode & 0o111


def test_reader_refuses_broken_files(tmp_path) -> None:
    import pytest

    for text in ("RUN echo before FROM\n", "FROM a\nRUN x \\\n", 'FROM a\nCMD ["run"\n'):
        path = tmp_path / "Containerfile"
        path.write_text(text)
        with pytest.raises(ValueError):
            parse(path)


def test_build_script_is_valid_bash_and_builds_the_test_target_with_chroot_isolation() -> None:
    import subprocess

    script = DEPLOY / "build-image.sh"
    assert script.stat().st_mode & 0o111
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=60)
    text = script.read_text()
    for needed in ("debootstrap --variant=minbase --include=python3,python3-venv",
                   "podman import", "podman image exists", "--isolation=chroot",
                   "--build-arg BASE_IMAGE=", "/host-ca.crt:ro", "PIP_CA_BUNDLE=/host-ca.crt",
                   "-f deploy/Containerfile", 'target=${1:-test}'):
        assert needed in text, needed
