"""Configuration: safe defaults in development, refusal in production."""

import pytest

from opsx_api.config import (
    ConfigError,
    load_config,
    normalise_database_url,
    parse_jwt_keys,
)

PROD = {
    "ENV": "production",
    "SECRET_KEY": "s" * 48,
    "DATABASE_URL": "postgresql://db.internal/opsx",
    "JWT_KEYS": "2026a=" + "k" * 48,
    "FCM_CREDENTIALS": "/etc/opsx/fcm.json",
    "FCM_PROJECT_ID": "opsx-prod",
    "SMTP_URL": "smtps://mailer:secret@smtp.example.com",
    "MAIL_FROM": "OpsX <no-reply@opsx.example.com>",
    "PUBLIC_URL": "https://app.opsx.example.com/",
}


@pytest.mark.parametrize(
    "missing", ["SECRET_KEY", "DATABASE_URL", "JWT_KEYS", "FCM_CREDENTIALS"]
)
def test_production_refuses_to_start_without(missing, monkeypatch):
    monkeypatch.delenv(f"OPSX_{missing}", raising=False)
    with pytest.raises(ConfigError, match=missing):
        load_config({**PROD, missing: None})


def test_production_refuses_short_secret_and_test_hashing():
    with pytest.raises(ConfigError):
        load_config({**PROD, "SECRET_KEY": "short"})
    with pytest.raises(ConfigError):
        load_config({**PROD, "ARGON2_PROFILE": "test"})


def test_production_config_is_accepted_and_points_fcm_at_google():
    config = load_config(PROD)
    assert config["DATABASE_URL"].startswith("postgresql+psycopg2://")
    assert config["FCM_ENDPOINT"] is None
    assert list(config["JWT_KEYRING"]) == ["2026a"]


def test_development_defaults_need_no_configuration(monkeypatch):
    for name in ("ENV", "DATABASE_URL", "SECRET_KEY", "JWT_KEYS", "FCM_ENDPOINT"):
        monkeypatch.delenv(f"OPSX_{name}", raising=False)
    config = load_config()
    assert config["DATABASE_URL"].startswith("sqlite:///")
    assert config["FCM_ENDPOINT"] == "http://127.0.0.1:9099"
    assert len(config["SECRET_KEY"]) >= 32
    assert load_config()["SECRET_KEY"] == config["SECRET_KEY"]  # kept in instance/


def test_environment_variables_are_read(monkeypatch):
    monkeypatch.setenv("OPSX_PASSWORD_MIN_LENGTH", "20")
    monkeypatch.setenv("OPSX_TRUSTED_PROXIES", "2")
    config = load_config({"SECRET_KEY": "s" * 40, "JWT_KEYS": "a=" + "b" * 40})
    assert config["PASSWORD_MIN_LENGTH"] == 20 and config["TRUSTED_PROXIES"] == 2
    monkeypatch.setenv("OPSX_TRUSTED_PROXIES", "two")
    with pytest.raises(ConfigError, match="OPSX_TRUSTED_PROXIES"):
        load_config()


@pytest.mark.parametrize(
    "url, expected",
    [
        ("postgresql://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("postgres://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("postgresql+psycopg2://u@h/db", "postgresql+psycopg2://u@h/db"),
        ("sqlite:///x.db", "sqlite:///x.db"),
    ],
)
def test_database_urls_are_normalised_to_psycopg2(url, expected):
    assert normalise_database_url(url) == expected


def test_jwt_keys_parse_in_order_and_reject_weak_secrets():
    keys = parse_jwt_keys("new=" + "a" * 40 + ", old=" + "b" * 40)
    assert list(keys) == ["new", "old"]
    for bad in ("", "nokey", "k=short", "=" + "a" * 40):
        with pytest.raises(ConfigError):
            parse_jwt_keys(bad)


def test_every_setting_is_documented_in_readme_and_env_example():
    from pathlib import Path

    from opsx_api.config import SETTINGS

    root = Path(__file__).resolve().parent.parent
    readme = (root / "README.md").read_text()
    example = (root / ".env.example").read_text()
    for setting in SETTINGS:
        name = f"OPSX_{setting.name}"
        assert f"`{name}`" in readme, f"{name} missing from README"
        assert name in example, f"{name} missing from .env.example"


def test_gunicorn_config_freezes_the_loaded_app_out_of_the_collector():
    import gc
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
    spec = importlib.util.spec_from_file_location("gunicorn_conf", path)
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    assert conf.worker_class == "gthread"
    try:
        conf.post_worker_init(None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


# Settings consumed inside config.py itself, and why (each is checked there too).
READ_BY_CONFIG = {
    "ENV": "chooses the production checks and the development defaults",
    "JWT_KEYS": "parsed into JWT_KEYRING, which the token code reads",
    "SMTP_URL": "parsed into the mail sender's settings",
    "SECRET_KEY": "Flask's own secret key (app.secret_key)",
}


def test_every_declared_setting_is_read_where_it_matters():
    """A setting that is documented but never read is a lie to the operator."""
    import re
    from pathlib import Path

    from opsx_api.config import SETTINGS

    root = Path(__file__).resolve().parent.parent
    sources = {
        path: path.read_text()
        for folder in ("opsx_api", "admin")
        for path in (root / folder).rglob("*.py")
    }
    config_py = root / "opsx_api" / "config.py"
    unread = []
    for setting in SETTINGS:
        quoted = re.compile(rf"""["']{setting.name}["']""")
        readers = [p for p, text in sources.items() if quoted.search(text)]
        if setting.name in READ_BY_CONFIG:
            assert config_py in readers, setting.name
        elif not [p for p in readers if p != config_py]:
            unread.append(setting.name)
    assert unread == []
