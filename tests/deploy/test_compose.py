"""deploy/compose.yaml: valid Compose, and everything it sets is guildhall's configuration."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import jsonschema
import pytest

from core.metrics.exporter import exporter_port
from core.runtime.secret_files import SECRET_SETTINGS, SECRETS_DIR_VARIABLE
from tests.deploy.files import DEPLOY, SCHEMAS, load_yaml
from tests.deploy.settings_env import settings_from, unknown_variables

COMPOSE = load_yaml(DEPLOY / "compose.yaml")
GUILDHALL = COMPOSE["services"]["guildhall"]


def compose_validator() -> jsonschema.Draft7Validator:
    """The Compose Specification's schema (draft-07, as its ``$schema`` says)."""
    schema = json.loads((SCHEMAS / "compose-spec.json").read_text())
    assert "draft-07" in schema["$schema"]
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_compose_file_matches_the_compose_specification_schema() -> None:
    validator = compose_validator()
    errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
              for e in validator.iter_errors(COMPOSE)]
    assert errors == []
    assert (SCHEMAS / "LICENSE").read_text().lstrip().startswith("Apache License")


def test_schema_refuses_a_broken_compose_file() -> None:
    broken = {"services": {"guildhall": {"image": "guildhall:local", "restart": ["always"],
                                         "portz": ["8080"]}}}
    validator = compose_validator()
    assert len(list(validator.iter_errors(broken))) >= 2


def test_every_variable_is_a_guildhall_setting_and_loads(monkeypatch, tmp_path) -> None:
    env = {k: str(v) for k, v in GUILDHALL["environment"].items()}
    assert unknown_variables(env) == []
    settings = settings_from(env, monkeypatch, tmp_path / "secrets", DEPLOY / "config.toml")
    assert settings.discord.token.get_secret_value() == "placeholder-token"
    assert settings.database.dialect == "postgres"
    assert settings.redis.url.get_secret_value().startswith("redis://redis:")
    assert settings.metrics.enabled and settings.metrics.host == "0.0.0.0"


def test_secrets_are_compose_secrets_named_as_guildhall_reads_them() -> None:
    assert GUILDHALL["environment"][SECRETS_DIR_VARIABLE] == "/run/secrets"
    file_names = {s.file_name for s in SECRET_SETTINGS}
    assert set(GUILDHALL["secrets"]) <= file_names
    assert {"discord_token", "database_url"} <= set(GUILDHALL["secrets"])
    for name, service in COMPOSE["services"].items():
        for secret in service.get("secrets", []):
            assert secret in COMPOSE["secrets"], f"{name} uses undefined secret {secret}"
        for variable, value in service.get("environment", {}).items():
            if "PASSWORD" in variable or "TOKEN" in variable:
                assert str(value).startswith("/run/secrets/"), f"{name}.{variable} is a value"


def test_named_services_volumes_and_files_exist() -> None:
    services = COMPOSE["services"]
    for name, service in services.items():
        for dependency in service.get("depends_on", []):
            assert dependency in services, f"{name} depends on unknown {dependency}"
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (DEPLOY / source).exists(), f"{name} mounts missing {source}"
            else:
                assert source in COMPOSE["volumes"], f"{name} mounts undefined volume {source}"
    build = GUILDHALL["build"]
    assert (DEPLOY / build["context"] / build["dockerfile"]).is_file()
    assert urlsplit(GUILDHALL["environment"]["REDIS_URL"]).hostname in services


def test_ports_are_the_workers_and_dashboard_and_prometheus_scrapes_every_worker(
    monkeypatch, tmp_path
) -> None:
    env = {k: str(v) for k, v in GUILDHALL["environment"].items()}
    settings = settings_from(env, monkeypatch, tmp_path / "secrets", DEPLOY / "config.toml")
    workers = settings.cluster.total_clusters
    assert workers * settings.cluster.shards_per_cluster == settings.cluster.shard_count
    worker_ports = [exporter_port(settings.metrics.port, i) for i in range(workers)]
    assert [int(p) for p in GUILDHALL["expose"]] == worker_ports
    published = [int(str(p).rsplit(":", 1)[1]) for p in GUILDHALL["ports"]]
    assert published == [settings.web.port]

    prometheus = load_yaml(DEPLOY / "prometheus" / "prometheus.yml")
    [job] = [j for j in prometheus["scrape_configs"] if j["job_name"] == "guildhall"]
    targets = [t for c in job["static_configs"] for t in c["targets"]]
    assert targets == [f"guildhall:{port}" for port in worker_ports]
    assert prometheus["rule_files"] == ["/etc/prometheus/alerts.yaml"]
    mounted = {v.split(":")[1] for v in COMPOSE["services"]["prometheus"]["volumes"]}
    assert "/etc/prometheus/alerts.yaml" in mounted


def test_grafana_gets_the_dashboard_and_the_prometheus_datasource() -> None:
    grafana = COMPOSE["services"]["grafana"]
    mounts = dict(v.split(":")[:2] for v in grafana["volumes"])
    assert mounts["./grafana/guildhall.json"] == "/var/lib/grafana/dashboards/guildhall.json"
    provider = load_yaml(DEPLOY / "grafana/provisioning/dashboards/guildhall.yaml")
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards"
    source = load_yaml(DEPLOY / "grafana/provisioning/datasources/prometheus.yaml")
    [datasource] = source["datasources"]
    assert datasource["url"] == "http://prometheus:9090" and "prometheus" in COMPOSE["services"]
    dashboard = json.loads((DEPLOY / "grafana/guildhall.json").read_text())
    uids = {t["datasource"]["uid"] for p in dashboard["panels"] for t in p["targets"]}
    assert uids == {datasource["uid"]}


@pytest.mark.parametrize("variable", ["GUILDHALL_METRICS__PORTT", "GUILDHALL_NOPE__X", "TOKEN"])
def test_an_unknown_variable_would_be_reported(variable: str) -> None:
    assert unknown_variables({variable: "1", "REDIS_URL": "redis://r"}) == [variable]
