"""The README's quickstart, run as written against `make run`'s server.

The test takes the one `sh` block of the README's "Quickstart" section and runs
it with bash (`-e -o pipefail`: any command that fails stops it) against the
processes `make run` starts, on a fresh database and free ports (the block reads
`OPSX_DEV_PORT` and `OPSX_DEV_FCM_PORT`, as `make run` does). Then it checks
what each step printed. And the README cites only documents in the repository.
"""

import json
import re
import subprocess

from tests.live import ROOT, dev_env, make_run


def quickstart() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("\n## Quickstart\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.S)
    assert len(blocks) == 1, "the Quickstart section has one sh block"
    return blocks[0]


def test_the_quickstart_runs_as_written_against_make_run(tmp_path):
    env = dev_env(tmp_path)
    with make_run(env):
        run = subprocess.run(
            ["bash", "-e", "-o", "pipefail", "-c", quickstart()],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert run.returncode == 0, run.stdout + run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines() if line.strip()]
    me, prospects, broadcast, pushes, receipt, refused, support_page = lines
    assert me["email"] == "field@demo.opsx.test" and me["status"] == "active"
    assert prospects["data"] and len(prospects["data"]) <= 2
    assert broadcast["queued"] >= 1  # at least the phone that logged in
    sent = [m["message"]["data"] for m in pushes["messages"]]
    assert broadcast["id"] in {data.get("broadcast_id") for data in sent}
    assert all(m["token"] == "my-phone-token" for m in pushes["messages"])
    assert receipt  # the deactivation's receipt
    assert refused["error"]["code"] == "invalid_token"
    assert {p["id"] for p in support_page["data"]} == {
        p["id"] for p in prospects["data"]
    }


def test_the_readme_cites_only_documents_in_the_repository():
    readme = (ROOT / "README.md").read_text()
    cited = set(re.findall(r"`([\w./-]+\.md)`", readme))
    assert "docs/API.md" in cited
    for path in cited:
        assert (ROOT / path).is_file(), f"README cites {path}, not in the repository"
    assert "/work/shared" not in readme
