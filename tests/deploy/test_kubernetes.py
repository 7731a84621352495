"""deploy/kubernetes/: valid manifests, and the StatefulSet's slices match the launcher's."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from cluster.planning import GatewayInfo, make_plan
from core.metrics.exporter import exporter_port
from core.runtime.cluster_settings import ClusterSettings
from core.runtime.secret_files import SECRET_SETTINGS, SECRETS_DIR_VARIABLE
from tests.deploy.files import DEPLOY, load_yaml_all
from tests.deploy.settings_env import settings_from, unknown_variables

MANIFESTS = sorted((DEPLOY / "kubernetes").glob("*.yaml"))
KUBERNETES_VERSIONS = ("1.34.0", kubernetes_validate.latest_version())
PROBE = DEPLOY / "guildhall-probe"


def resources() -> dict[str, dict[str, Any]]:
    found = {}
    for path in MANIFESTS:
        for doc in load_yaml_all(path):
            found[f"{doc['kind']}/{doc['metadata']['name']}"] = doc
    return found


RESOURCES = resources()
STATEFULSET = RESOURCES["StatefulSet/guildhall"]
POD = STATEFULSET["spec"]["template"]["spec"]
[CONTAINER] = POD["containers"]
ENV = {e["name"]: e.get("value") for e in CONTAINER["env"]}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", MANIFESTS, ids=lambda p: p.name)
def test_manifest_is_valid_kubernetes(path: Path, version: str) -> None:
    docs = load_yaml_all(path)
    assert docs
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)


def test_validation_catches_a_broken_manifest() -> None:
    broken = {**STATEFULSET, "spec": {**STATEFULSET["spec"], "replicas": "four"}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSIONS[-1], strict=True)


def test_kit_has_every_resource_kind() -> None:
    assert {key.split("/")[0] for key in RESOURCES} >= {
        "StatefulSet", "Service", "PodDisruptionBudget", "Secret"}
    headless = RESOURCES["Service/guildhall"]["spec"]
    assert headless["clusterIP"] == "None"
    assert STATEFULSET["spec"]["serviceName"] == "guildhall"
    labels = STATEFULSET["spec"]["template"]["metadata"]["labels"]
    for key, resource in RESOURCES.items():
        selector = resource.get("spec", {}).get("selector")
        if selector is not None:
            wanted = selector.get("matchLabels", selector)
            assert wanted.items() <= labels.items(), f"{key} selects no guildhall pod"


def test_environment_configures_guildhall(monkeypatch, tmp_path) -> None:
    env = {k: v for k, v in ENV.items() if v is not None}
    assert unknown_variables({k: v for k, v in env.items() if k != "POD_NAME"}) == []
    env["POD_NAME"] = "guildhall-1"
    settings = settings_from(env, monkeypatch, tmp_path / "secrets", DEPLOY / "config.toml")
    cluster = settings.cluster
    assert cluster.ordinal_env == "POD_NAME" and ENV["POD_NAME"] is None  # from fieldRef
    replicas = STATEFULSET["spec"]["replicas"]
    assert cluster.total_clusters == replicas * cluster.clusters_per_machine
    assert cluster.shard_count == cluster.total_clusters * cluster.shards_per_cluster
    ports = {p["containerPort"] for p in CONTAINER["ports"]}
    assert {exporter_port(settings.metrics.port, i) for i in range(cluster.total_clusters)} <= ports
    assert settings.web.port in ports
    assert POD["terminationGracePeriodSeconds"] > cluster.stop_timeout_seconds


def test_secrets_come_from_the_mounted_secret() -> None:
    mounts = {m["name"]: m["mountPath"] for m in CONTAINER["volumeMounts"]}
    volumes = {v["name"]: v for v in POD["volumes"]}
    assert ENV[SECRETS_DIR_VARIABLE] == mounts["secrets"]
    secret = RESOURCES[f"Secret/{volumes['secrets']['secret']['secretName']}"]
    assert set(secret["stringData"]) <= {s.file_name for s in SECRET_SETTINGS}
    assert "discord_token" in secret["stringData"]
    assert mounts["data"] == "/data"


def test_probes_resources_and_security() -> None:
    for probe, endpoint in (("startupProbe", "livez"), ("livenessProbe", "livez"),
                            ("readinessProbe", "readyz")):
        assert CONTAINER[probe]["exec"]["command"] == ["guildhall-probe", endpoint]
    requests = CONTAINER["resources"]["requests"]
    assert requests["cpu"] and requests["memory"]
    assert POD["securityContext"]["runAsNonRoot"] is True


def probe_ports(env: dict[str, str]) -> list[int]:
    clean = {k: v for k, v in os.environ.items()
             if not k.startswith("GUILDHALL_") and k != "POD_NAME"}
    done = subprocess.run(["sh", str(PROBE), "ports"], env={**clean, **env},
                          capture_output=True, text=True, timeout=60, check=True)
    return [int(line) for line in done.stdout.split()]


@pytest.mark.parametrize("replicas", [1, 3, 16])
@pytest.mark.parametrize("short_last_pod", [False, True])
def test_slices_match_the_launchers_plan(
    replicas: int, short_last_pod: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pod N of the StatefulSet resized to ``replicas`` runs what the launcher plans for it,
    every cluster exactly once, and its probe checks exactly those workers' ports."""
    per_pod = int(ENV["GUILDHALL_CLUSTER__CLUSTERS_PER_MACHINE"])
    per_cluster = int(ENV["GUILDHALL_CLUSTER__SHARDS_PER_CLUSTER"])
    clusters = replicas * per_pod - (1 if short_last_pod else 0)
    shards = clusters * per_cluster
    settings = ClusterSettings(
        shard_count=shards, shards_per_cluster=per_cluster, total_clusters=clusters,
        clusters_per_machine=per_pod, ordinal_env="POD_NAME",
    )
    info = GatewayInfo(shards=shards, total=1000, remaining=1000, reset_after_ms=0,
                       max_concurrency=1)
    seen: list[int] = []
    for ordinal in range(replicas):
        monkeypatch.setenv("POD_NAME", f"guildhall-{ordinal}")
        plan = make_plan(settings, info)
        local = [c.index for c in plan.local]
        assert local == list(range(ordinal * per_pod, min((ordinal + 1) * per_pod, clusters)))
        seen += local
        env = {"GUILDHALL_CLUSTER__ORDINAL_ENV": "POD_NAME", "POD_NAME": f"guildhall-{ordinal}",
               "GUILDHALL_CLUSTER__CLUSTERS_PER_MACHINE": str(per_pod),
               "GUILDHALL_CLUSTER__TOTAL_CLUSTERS": str(clusters),
               "GUILDHALL_METRICS__PORT": ENV["GUILDHALL_METRICS__PORT"]}
        base = int(ENV["GUILDHALL_METRICS__PORT"])
        assert probe_ports(env) == [exporter_port(base, i) for i in local]
    assert seen == list(range(clusters))
    assert sum(len(c.shard_ids) for c in plan.clusters) == shards


def test_probe_refuses_a_value_without_ordinal() -> None:
    env = {"GUILDHALL_CLUSTER__ORDINAL_ENV": "POD_NAME", "POD_NAME": "guildhall",
           "GUILDHALL_CLUSTER__CLUSTERS_PER_MACHINE": "2", "PATH": os.environ["PATH"]}
    done = subprocess.run(["sh", str(PROBE), "ports"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    assert done.returncode == 2 and "holds no ordinal" in done.stderr
