"""The Grafana dashboard and the alert rules only read metrics guildhall exports."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from prometheus_client import REGISTRY

import core.metrics  # noqa: F401 - registers guildhall's metrics
from core.metrics.cluster_state import Snapshot
from core.metrics.exporter import collector
from tests.deploy.files import DEPLOY, load_yaml
from tests.deploy.promql import metric_names

PROMETHEUS_OWN = {"up"}  # written by Prometheus for every target
SUFFIXES = {
    "counter": ("_total", "_created"),
    "histogram": ("_bucket", "_count", "_sum", "_created"),
    "summary": ("_count", "_sum", "_created", ""),
    "gauge": ("",),
    "info": ("_info",),
}


def exported_names() -> set[str]:
    """Every sample name guildhall's registry can produce, scrape-time families included."""
    metrics = collector()
    saved = metrics.snapshot
    metrics.snapshot = Snapshot(read_at=time.monotonic())  # cluster-wide families show up
    try:
        families = list(REGISTRY.collect())
    finally:
        metrics.snapshot = saved
    names = set()
    for family in families:
        names |= {family.name + suffix for suffix in SUFFIXES.get(family.type, ("",))}
    return names


EXPORTED = exported_names()
DASHBOARD = json.loads((DEPLOY / "grafana" / "guildhall.json").read_text())
RULES = load_yaml(DEPLOY / "prometheus" / "alerts.yaml")


def dashboard_exprs() -> list[str]:
    return [target["expr"] for panel in DASHBOARD["panels"] for target in panel["targets"]]


def rule_exprs() -> list[str]:
    return [rule["expr"] for group in RULES["groups"] for rule in group["rules"]]


def test_exported_names_include_scrape_time_and_suffixed_families() -> None:
    assert {"guildhall_scheduler_lag_seconds", "guildhall_backup_age_seconds",
            "guildhall_maintenance_last_run_ok", "guildhall_command_duration_seconds_bucket",
            "guildhall_gateway_events_total", "guildhall_gateway_disconnects_total",
            "process_resident_memory_bytes"} <= EXPORTED
    assert "guildhall_gateway_events" not in EXPORTED  # a counter's samples end in _total


def test_expression_parser_finds_metrics_not_functions_or_labels() -> None:
    expr = ('histogram_quantile(0.95, sum by (le, kind) (rate(a_bucket{x="y(z)"}[5m]))) '
            "/ on (instance) group_left b_total > 2 and max(c) offset 5m")
    assert metric_names(expr) == {"a_bucket", "b_total", "c"}
    assert metric_names("time() - max by (job) (d_seconds)") == {"d_seconds"}


@pytest.mark.parametrize("source", ["dashboard", "rules"])
def test_every_referenced_metric_is_exported(source: str) -> None:
    exprs = dashboard_exprs() if source == "dashboard" else rule_exprs()
    assert exprs
    referenced = set().union(*(metric_names(e) for e in exprs))
    assert referenced - EXPORTED - PROMETHEUS_OWN == set()
    assert len(referenced & EXPORTED) >= 10


def test_dashboard_and_rules_cover_what_operators_watch() -> None:
    wanted = {"guildhall_gateway_latency_seconds", "guildhall_gateway_disconnects_total",
              "guildhall_gateway_events_total", "guildhall_command_duration_seconds_count",
              "guildhall_scheduler_lag_seconds", "guildhall_leader_epoch",
              "guildhall_maintenance_last_run_ok", "guildhall_backup_age_seconds",
              "guildhall_db_query_duration_seconds_bucket", "process_resident_memory_bytes"}
    for exprs in (dashboard_exprs(), rule_exprs()):
        referenced = set().union(*(metric_names(e) for e in exprs))
        assert wanted - referenced == set()


def _is_duration(value: Any) -> bool:
    return isinstance(value, str) and re.fullmatch(r"(\d+(ms|s|m|h|d|w|y))+", value) is not None


def test_rules_file_has_prometheus_rule_file_structure() -> None:
    assert set(RULES) == {"groups"} and RULES["groups"]
    group_names = [group["name"] for group in RULES["groups"]]
    assert len(group_names) == len(set(group_names))
    alerts = []
    for group in RULES["groups"]:
        assert set(group) <= {"name", "interval", "limit", "rules", "labels"}
        assert group["rules"]
        for rule in group["rules"]:
            assert set(rule) <= {"alert", "record", "expr", "for", "keep_firing_for",
                                 "labels", "annotations"}, rule
            assert ("alert" in rule) != ("record" in rule)
            assert isinstance(rule["expr"], str) and rule["expr"].strip()
            if "alert" in rule:
                alerts.append(rule["alert"])
                assert _is_duration(rule.get("for", "0m")), rule
                assert all(isinstance(v, str) for v in rule.get("labels", {}).values())
                assert {"summary", "description"} <= set(rule["annotations"])
                assert rule["labels"]["severity"] in ("warning", "critical")
    assert len(alerts) == len(set(alerts))


def test_dashboard_is_a_grafana_dashboard() -> None:
    assert DASHBOARD["uid"] == "guildhall" and DASHBOARD["schemaVersion"] >= 36
    ids = [panel["id"] for panel in DASHBOARD["panels"]]
    assert len(ids) == len(set(ids))
    for panel in DASHBOARD["panels"]:
        assert panel["title"] and panel["type"] in ("timeseries", "stat", "table", "gauge")
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"])
        assert [t["refId"] for t in panel["targets"]]
