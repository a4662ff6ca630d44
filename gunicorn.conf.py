"""gunicorn settings for OpsX: `gunicorn -c gunicorn.conf.py wsgi:app`.

Workers and threads are overridable on the command line or with GUNICORN_CMD_ARGS.
Several instances may run on one machine: each needs its own `OPSX_BIND`, and
nothing else is shared between them (see the control socket below).
"""

import gc
import os

from opsx_api import one_write

bind = os.environ.get("OPSX_BIND", "127.0.0.1:8000")
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Two threads a worker: one runs Python while the other waits on PostgreSQL,
# and no more threads than that contend for the worker's GIL. Measured with
# `python -m bench.worker_model` (README, Benchmarks): at 16 connections
# 2 x 2 served the 50-row page 12-22% faster than 2 x 4 in each of 3 rounds,
# the session read 5-46% faster (README, Benchmarks, also for an open
# question about long runs). A deployment whose requests wait longer on I/O
# can raise it: GUNICORN_CMD_ARGS="--threads 4".
threads = 2
# Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel
# spreads new connections over them. On one shared socket, whichever worker
# wakes first accepts: a burst of keep-alive connections (a load balancer's, a
# benchmark's) often all landed on one worker, which then served them from one
# core while the other idled: 16 connections split 16/0 halved a 50-row page's
# throughput (307 against 520-580 req/s split 8/8 to 11/5). Side effect: a
# second instance given the same OPSX_BIND shares the port instead of failing.
# OPSX_REUSE_PORT=false turns it off.
reuse_port = os.environ.get("OPSX_REUSE_PORT", "true").lower() != "false"
# Slow clients and FCM never hold a worker: FCM is only called by `flask worker`.
timeout = 30
graceful_timeout = 30
# Headers and body leave in one write, not two (opsx_api/one_write.py).
one_write.install()

# gunicorn >= 25.1 opens a control socket (for `gunicornc`) at one fixed path per
# user, $XDG_RUNTIME_DIR/gunicorn.ctl or ~/.gunicorn/gunicorn.ctl: a second
# instance on the machine takes it over from the first. Off unless an instance
# is given a path of its own.
control_socket_disable = not os.environ.get("OPSX_CONTROL_SOCKET")
if not control_socket_disable:
    control_socket = os.environ["OPSX_CONTROL_SOCKET"]


def post_worker_init(worker):
    """Move the loaded app's objects out of the garbage collector's sight.

    The app keeps ~130,000 long-lived objects (SQLAlchemy metadata, flask-restx
    models, marshmallow schemas); without this every full collection walks them
    all. Measured in-process: about 20% less CPU per request.
    """
    gc.collect()
    gc.freeze()


def child_exit(server, worker):
    """Metrics in multiprocess mode (PROMETHEUS_MULTIPROC_DIR): a dead worker's
    live gauges leave the sum; its counters stay counted."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
