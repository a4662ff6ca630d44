"""`make run`: the API, the outbox worker and the FCM emulator, side by side.

Without OPSX_SMTP_URL the worker prints every email, links included, to this
terminal (the console sender).

A small supervisor for development: it starts each process, prefixes nothing
(every process logs JSON lines of its own), and stops them all on Ctrl-C or
when any one of them exits.
"""

import os
import signal
import subprocess
import sys
import time

import click

HOST = os.environ.get("OPSX_DEV_HOST", "127.0.0.1")
PORT = os.environ.get("OPSX_DEV_PORT", "5000")
EMULATOR_PORT = os.environ.get("OPSX_DEV_FCM_PORT", "9099")


def _flask(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", *args]


def _commands() -> dict[str, list[str]]:
    from opsx_api import create_app

    app = create_app()
    with app.app_context():
        available = app.cli.list_commands(click.Context(app.cli))
    commands = {}
    if "fcm-emulator" in available:
        commands["fcm-emulator"] = _flask("fcm-emulator", "--port", EMULATOR_PORT)
    if "worker" in available:
        commands["worker"] = _flask("worker")
    commands["api"] = _flask("run", "--host", HOST, "--port", PORT, "--no-reload")
    return commands


def main() -> int:
    env = {**os.environ, "FLASK_APP": "wsgi"}
    env.setdefault("OPSX_FCM_ENDPOINT", f"http://127.0.0.1:{EMULATOR_PORT}")
    # Emailed links open this server's pages; the worker prints the emails here.
    env.setdefault("OPSX_PUBLIC_URL", f"http://{HOST}:{PORT}")
    processes = {
        name: subprocess.Popen(command, env=env)  # noqa: S603 - our own argv
        for name, command in _commands().items()
    }
    print(
        f"OpsX on http://{HOST}:{PORT}/api/v1/docs, console at /console "
        f"({', '.join(processes)}); "
        "Ctrl-C stops everything.",
        flush=True,
    )
    stopping = False

    def stop(*_args):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        while not stopping and all(p.poll() is None for p in processes.values()):
            time.sleep(0.5)
    finally:
        for process in processes.values():
            if process.poll() is None:
                process.terminate()
        for process in processes.values():
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    failed = [n for n, p in processes.items() if p.returncode not in (0, -15, None)]
    return 1 if failed and not stopping else 0


if __name__ == "__main__":
    sys.exit(main())
