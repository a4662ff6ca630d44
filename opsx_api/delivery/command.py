"""`flask worker`: deliver the outbox, pushes through FCM and emails through SMTP."""

import gc
import logging
import signal
import threading
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from prometheus_client import start_http_server
from sqlalchemy import Engine

from opsx_api.delivery.worker import Channel, Worker, WorkerSettings, log_event
from opsx_api.mail.channel import build_email_channel
from opsx_api.push.channel import build_push_channel


def build_worker(app: Flask, engine: Engine | None = None, **overrides: Any) -> Worker:
    """A worker for every channel, from `app.config`; ValueError for a bad FCM setup."""
    from opsx_api.db import Database

    config = app.config
    settings = WorkerSettings.from_config(config, **overrides)
    channels: list[Channel] = [
        build_push_channel(config, threads=settings.threads),
        build_email_channel(config),
    ]
    if engine is None:
        # Its own pool, sized for the worker rather than for the API.
        # No pre-ping (a round trip per checkout): a dropped connection fails one
        # claim or write, which the loop survives, and the pool then reconnects.
        url = config["DATABASE_URL"]
        options: dict[str, Any] = {"pool_size": 4, "max_overflow": settings.threads}
        if url.startswith("sqlite"):
            options = {"connect_args": {"check_same_thread": False, "timeout": 30}}
        engine = Database(url, **options).engine
    return Worker(engine, channels, settings)


def serve_worker_metrics(port: int) -> None:
    """The worker's own counters at http://127.0.0.1:PORT/metrics (no token:
    loopback only). Under PROMETHEUS_MULTIPROC_DIR the API's /metrics has them too.
    """
    try:
        start_http_server(port, addr="127.0.0.1")
    except OSError:
        raise click.ClickException(
            f"port {port} is busy: set OPSX_WORKER_METRICS_PORT to a free one"
        ) from None
    log_event(logging.INFO, "worker.metrics", port=port)


@click.command("worker")
@click.option("--once", is_flag=True, help="Deliver what is due now, then exit.")
@with_appcontext
def worker_command(once: bool) -> None:
    """Deliver queued pushes (FCM) and emails (SMTP) until stopped.

    Run as many as the volume needs, on any machines: they share the work through
    the database. SIGTERM or Ctrl-C stops claiming, finishes the sends in flight
    and exits. Without OPSX_SMTP_URL (development) emails are printed here.
    Settings: OPSX_WORKER_*, OPSX_FCM_*, OPSX_PUSH_*, OPSX_SMTP_*, OPSX_EMAIL_*
    (see the README).
    """
    try:
        worker = build_worker(current_app)
    except ValueError as exc:
        raise click.ClickException(f"FCM configuration: {exc}") from None
    port = current_app.config["WORKER_METRICS_PORT"]
    if port:
        serve_worker_metrics(port)

    def on_signal(signum: int, _frame: Any) -> None:
        log_event(logging.INFO, "worker.stopping", signal=signal.Signals(signum).name)
        worker.stop()

    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, on_signal)
    smtp = current_app.config.get("SMTP")
    log_event(
        logging.INFO,
        "worker.started",
        threads=worker.settings.threads,
        batch=worker.settings.batch,
        endpoint=current_app.config["FCM_ENDPOINT"] or "Google FCM",
        smtp=smtp.redacted() if smtp else "console",
        once=once,
    )
    if not once:
        # A long-running worker's startup heap (app, models, schemas) never dies:
        # keep the collector from walking it on every full collection.
        gc.collect()
        gc.freeze()
    try:
        worker.run(once=once)
    finally:
        worker.engine.dispose()
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    log_event(logging.INFO, "worker.stopped", **worker.stats_by_channel())
