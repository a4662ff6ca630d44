"""A Python client generated from /api/v1/openapi.json works against the served API.

openapi-python-client (a dev dependency) generates the client into a temporary
directory inside the test; the test imports it and logs in with a device, lists
prospects and reads the error code of a 404, over real HTTP.
"""

import importlib
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.live import serve

# The generator has no text/csv support: the CSV bodies are raw bytes to it.
CONFIG = (
    "content_type_overrides:\n  text/csv: application/octet-stream\npost_hooks: []\n"
)


@pytest.fixture
def generated(tmp_path, client, monkeypatch):
    """The generated package `opsx_client`, importable."""
    document = tmp_path / "openapi.json"
    document.write_bytes(client.get("/api/v1/openapi.json").data)
    (tmp_path / "config.yaml").write_text(CONFIG)
    generator = Path(sys.executable).with_name("openapi-python-client")
    result = subprocess.run(
        [
            str(generator),
            "generate",
            "--path",
            str(document),
            "--meta",
            "none",
            "--output-path",
            str(tmp_path / "opsx_client"),
            "--config",
            str(tmp_path / "config.yaml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "will not be generated" not in result.stdout, result.stdout
    monkeypatch.syspath_prepend(str(tmp_path))
    for name in [m for m in sys.modules if m.split(".")[0] == "opsx_client"]:
        del sys.modules[name]
    importlib.invalidate_caches()
    return importlib.import_module("opsx_client")


def test_generated_client_logs_in_lists_prospects_and_reads_a_404(
    app, factory, generated
):
    from opsx_client.api.auth import post_login_resource
    from opsx_client.api.prospects import (
        get_prospect_list_resource,
        get_prospect_resource,
        post_prospect_list_resource,
    )
    from opsx_client.models import (
        Device,
        DevicePlatform,
        Error,
        LoginInput,
        ProspectCreate,
        ProspectPage,
        TokenPair,
    )

    member = factory.make_user(factory.company().client)
    with serve(app) as origin:
        anonymous = generated.Client(base_url=f"{origin}/api/v1")
        login = post_login_resource.sync(
            client=anonymous,
            body=LoginInput(
                email=member.email,
                password=PASSWORD,
                device=Device(id="generated-phone", platform=DevicePlatform.ANDROID),
            ),
        )
        assert isinstance(login, TokenPair), login
        assert login.user.email == member.email
        api = generated.AuthenticatedClient(
            base_url=f"{origin}/api/v1", token=login.access_token
        )
        created = post_prospect_list_resource.sync(
            client=api, body=ProspectCreate(name="Generated Prospect")
        )
        assert created.name == "Generated Prospect", created
        page = get_prospect_list_resource.sync(client=api, limit=10)
        assert isinstance(page, ProspectPage), page
        assert [p.name for p in page.data] == ["Generated Prospect"]
        assert page.next_cursor is None
        missing = get_prospect_resource.sync_detailed(
            client=api, prospect_id=uuid.uuid4()
        )
        assert missing.status_code == 404
        assert isinstance(missing.parsed, Error)
        assert missing.parsed.error.code == "not_found"
