"""Retention: no IP older than OPSX_RETENTION_DAYS remains anywhere after purge;
the request log keeps client IPs as OPSX_LOG_IP says."""

import json
import logging
from datetime import timedelta

import pytest

from opsx_api import clock
from opsx_api.request_log import logged_ip
from tests.privacy.helpers import API, login_from, traces


def test_after_purge_no_ip_older_than_the_window_remains_anywhere(
    factory, kit, client, app, runner, monkeypatch
):
    monkeypatch.setitem(app.config, "RETENTION_DAYS", 10)
    company = factory.company()
    old_ip, new_ip = "192.0.2.61", "192.0.2.62"
    member = factory.make_user(company.client)
    login_from(client, member, old_ip, device_name="Old phone", push_token="fcm-old")
    staff = kit.staff()
    grant = kit.grant(company)
    opened = client.post(
        f"{API}/support/sessions",
        json={"grant_id": grant["id"]},
        headers=staff.headers,
        environ_overrides={"REMOTE_ADDR": old_ip},
    )
    assert opened.status_code == 201
    assert set(traces(app, old_ip)) >= {
        "device_sessions",
        "audit_events",
        "support_sessions",
    }
    clock.advance(timedelta(days=11))
    late = factory.make_user(company.client)
    login_from(client, late, new_ip, device_name="New phone", push_token="fcm-new")

    result = runner.invoke(args=["admin", "purge", "--yes"])

    assert result.exit_code == 0, result.output
    assert traces(app, old_ip) == {}
    assert "device_sessions" in traces(app, new_ip)  # inside the window: kept


@pytest.mark.parametrize(
    ("policy", "logged"),
    [("truncated", "203.0.113.0"), ("full", "203.0.113.77"), ("none", None)],
)
def test_the_request_log_keeps_ips_as_configured(app, client, caplog, policy, logged):
    app.config.update(LOG_REQUESTS=True, LOG_IP=policy)
    try:
        with caplog.at_level(logging.INFO, logger="opsx.request"):
            client.get(
                f"{API}/health", environ_overrides={"REMOTE_ADDR": "203.0.113.77"}
            )
    finally:
        app.config.update(LOG_REQUESTS=False, LOG_IP="truncated")
    [record] = [r for r in caplog.records if r.name == "opsx.request"]
    assert record.payload["ip"] == logged
    assert "203.0.113.77" not in json.dumps(record.payload) or policy == "full"


def test_ipv6_is_kept_to_its_48_and_mapped_ipv4_to_its_24():
    assert logged_ip("2001:db8:1234:5678::1", "truncated") == "2001:db8:1234::"
    assert logged_ip("::ffff:203.0.113.77", "truncated") == "203.0.113.0"
    assert logged_ip("not an address", "truncated") is None
