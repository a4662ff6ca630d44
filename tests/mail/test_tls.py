"""STARTTLS and TLS from the start, with a login, against a real server."""

import datetime as dt
import ipaddress
import ssl

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.mail.helpers import email_row, queue_plain
from tests.mail.smtp_server import SmtpServer


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1: (server context, its PEM path)."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "opsx test smtp")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)
    return context, str(cert_path)


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
@pytest.mark.parametrize("security", ["starttls", "tls"])
def test_a_login_over_tls_delivers(
    security, certificate, app, use_smtp, make_mail_worker
):
    context, cafile = certificate
    server = SmtpServer(
        credentials=("mailer", "p@ss w0rd"), tls=context, security=security
    )
    with server:
        url = server.url("mailer", "p%40ss%20w0rd")
        use_smtp(f"{url}{'&' if '?' in url else '?'}cafile={cafile}")
        email_id = queue_plain(app, "tls@example.test")

        assert dict(make_mail_worker().run(once=True)) == {"sent": 1}

        assert server.logins == ["mailer"]
        assert len(server.mailbox.to("tls@example.test")) == 1
        assert email_row(app, email_id).status == "sent"


def test_an_untrusted_certificate_is_refused_and_the_email_waits(
    certificate, app, use_smtp, make_mail_worker
):
    context, _cafile = certificate
    with SmtpServer(tls=context, security="tls") as server:
        use_smtp(server.url())  # no cafile: the self-signed certificate is unknown
        email_id = queue_plain(app, "careful@example.test")

        assert dict(make_mail_worker().run(once=True)) == {"queued": 1}

        row = email_row(app, email_id)
        assert "certificate not trusted" in row.last_error
        assert row.failures == 0
        assert server.mailbox.messages == []
