"""Prometheus metrics at `/metrics`, for operators; off unless `OPSX_METRICS_TOKEN`.

What is measured: request latency per route template and status (a histogram:
one `observe` per request, no I/O), failed logins and throttled requests, push
and email outcomes as the worker records them, and, read at scrape time, the
outbox's depth and oldest queued age per channel and kind.

Protection: `/metrics` answers 404 while `OPSX_METRICS_TOKEN` is unset, and 401
unless the scraper sends `Authorization: Bearer <token>` (compared in constant
time). Under gunicorn, set `PROMETHEUS_MULTIPROC_DIR` (an empty directory, the
same for the web workers and `flask worker`) and every process's counters are
summed at each scrape; without it each process serves its own. `flask worker`
can also serve its own on `OPSX_WORKER_METRICS_PORT` (127.0.0.1 only).
"""

import hmac
import os
import time
from collections.abc import Iterator
from datetime import datetime

from flask import Flask, Response, current_app, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from models import Email, Notification, PushDelivery
from opsx_api import db
from opsx_api.clock import utcnow
from opsx_api.errors import NotFound, Unauthorized

REQUEST_SECONDS = Histogram(
    "opsx_http_request_duration_seconds",
    "Time to answer a request, by route template, method and status.",
    ("route", "method", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
FAILED_LOGINS = Counter(
    "opsx_failed_logins_total", "Logins and password checks refused as wrong."
)
THROTTLED = Counter(
    "opsx_throttled_total",
    "Attempts refused 429 by a throttle, by throttle.",
    ("throttle",),
)
DELIVERIES = Counter(
    "opsx_delivery_outcomes_total",
    "Outbox jobs the worker recorded, by channel (push, email) and outcome.",
    ("channel", "outcome"),
)


class OutboxCollector(Collector):
    """Queued pushes and emails per kind, and the oldest one's age, at scrape time."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        depth = GaugeMetricFamily(
            "opsx_outbox_depth", "Queued outbox jobs.", labels=["channel", "kind"]
        )
        age = GaugeMetricFamily(
            "opsx_outbox_oldest_age_seconds",
            "Age of the oldest queued outbox job.",
            labels=["channel", "kind"],
        )
        now = utcnow()
        push = (
            select(Notification.kind, func.count(), func.min(PushDelivery.created_at))
            .join(Notification, Notification.id == PushDelivery.notification_id)
            .where(PushDelivery.status == "queued")
            .group_by(Notification.kind)
        )
        email = (
            select(Email.kind, func.count(), func.min(Email.created_at))
            .where(Email.status == "queued")
            .group_by(Email.kind)
        )
        for channel, stmt in (("push", push), ("email", email)):
            for kind, count, oldest in db.session().execute(stmt):
                depth.add_metric([channel, kind], count)
                age.add_metric([channel, kind], _age(now, oldest))
        yield depth
        yield age


def _age(now: datetime, oldest: datetime) -> float:
    if oldest.tzinfo is None:  # SQLite hands back naive UTC
        oldest = oldest.replace(tzinfo=now.tzinfo)
    return max(0.0, (now - oldest).total_seconds())


def scrape_registry() -> CollectorRegistry:
    """Every process's metrics under gunicorn (multiprocess), else this one's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def _authorised() -> None:
    token = current_app.config["METRICS_TOKEN"]
    if not token:
        raise NotFound()
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        raise Unauthorized("A metrics token is required.", code="unauthorized")


def metrics_view() -> Response:
    _authorised()
    registry = scrape_registry()
    outbox = CollectorRegistry()
    outbox.register(OutboxCollector())
    body = generate_latest(registry) + generate_latest(outbox)
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0])


def init_app(app: Flask) -> None:
    app.add_url_rule("/metrics", "metrics", metrics_view, methods=["GET"])

    @app.before_request
    def _start() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response: Response) -> Response:
        started = g.get("metrics_started")
        if started is not None:
            rule = request.url_rule
            REQUEST_SECONDS.labels(
                rule.rule if rule is not None else "unmatched",
                request.method,
                str(response.status_code),
            ).observe(time.perf_counter() - started)
        return response
