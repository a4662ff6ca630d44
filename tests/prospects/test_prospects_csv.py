"""CSV import and export (company admins)."""

import csv
import io

from sqlalchemy import select

from models import AuditEvent, Notification
from opsx_api import db
from tests.factories import assert_error
from tests.prospects.conftest import API

IMPORT, EXPORT = f"{API}/import", f"{API}/export"

GOOD_AND_BAD = """name,email,phone,status,external_id,lat,lng,fields.source
Ada Lovelace,ada@example.test,+44 20 7946 0958,new,crm-1,51.5,-0.12,fair
No Email,not-an-email,,new,,,,
"Multi
line name",,555 0100,contacted,,,,
Bad Status,,,sold,,,,
,missing@example.test,,,,,,
Half Location,,,,,10,,
Grace Hopper,grace@example.test,,won,,,,web
"""


def _import(client, headers, text, **extra):
    return client.post(
        IMPORT,
        data=text.encode(),
        headers={**headers, **extra},
        content_type="text/csv",
    )


def _listed(client, headers):
    page = client.get(API, query_string={"limit": 100}, headers=headers).get_json()
    return {item["name"]: item for item in page["data"]}


def test_import_keeps_good_rows_and_reports_bad_ones_by_line(client, tenant):
    response = _import(client, tenant.admin_headers, GOOD_AND_BAD)
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert (result["created"], result["updated"], result["unchanged"]) == (3, 0, 0)
    rows = {error["row"]: error["errors"] for error in result["errors"]}
    assert sorted(rows) == [3, 6, 7, 8]
    assert "email" in rows[3]
    assert "status" in rows[6]
    assert "name" in rows[7]
    assert "location" in rows[8]
    listed = _listed(client, tenant.admin_headers)
    assert sorted(listed) == ["Ada Lovelace", "Grace Hopper", "Multi\nline name"]
    ada = listed["Ada Lovelace"]
    assert ada["location"] == {"lat": 51.5, "lng": -0.12}
    assert ada["fields"] == {"source": "fair"}
    assert ada["external_id"] == "crm-1"


def test_importing_the_same_file_twice_changes_nothing(client, tenant):
    _import(client, tenant.admin_headers, GOOD_AND_BAD)
    before = _listed(client, tenant.admin_headers)
    changes = client.get(f"{API}/changes", headers=tenant.admin_headers).get_json()
    response = _import(client, tenant.admin_headers, GOOD_AND_BAD)
    result = response.get_json()
    assert (result["created"], result["updated"], result["unchanged"]) == (0, 0, 3)
    assert len(result["errors"]) == 4
    assert _listed(client, tenant.admin_headers) == before
    query = {"since": changes["next_cursor"]}
    after = client.get(
        f"{API}/changes", query_string=query, headers=tenant.admin_headers
    )
    assert after.get_json()["changes"] == []


def test_import_matches_on_id_external_id_email_then_phone(client, tenant, create):
    by_id = create(tenant.admin_headers, name="By Id")
    create(tenant.admin_headers, name="By Ext", external_id="E-1")
    create(tenant.admin_headers, name="By Email", email="e@example.test")
    create(tenant.admin_headers, name="By Phone", phone="555 0111")
    text = (
        "id,external_id,name,email,phone,status\n"
        f"{by_id['id']},,By Id,,,won\n"
        ",E-1,By Ext,,,won\n"
        ",,By Email,e@example.test,,won\n"
        ",,By Phone,,555 0111,won\n"
        ",,Brand New,,,won\n"
    )
    result = _import(client, tenant.admin_headers, text).get_json()
    assert (result["created"], result["updated"], result["errors"]) == (1, 4, [])
    listed = _listed(client, tenant.admin_headers)
    assert {p["status"] for p in listed.values()} == {"won"}
    assert len(listed) == 5
    assert listed["By Id"]["version"] == 2


def test_a_key_given_by_one_row_is_found_by_the_next(client, tenant, create):
    create(tenant.admin_headers, name="Adopted", email="a@example.test")
    text = (
        "external_id,name,email,status\n"
        "E-9,Adopted,a@example.test,contacted\n"
        "E-9,Adopted,,won\n"
    )
    response = _import(client, tenant.admin_headers, text)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 0
    [prospect] = _listed(client, tenant.admin_headers).values()
    assert (prospect["external_id"], prospect["status"]) == ("E-9", "won")


def test_import_reports_unknown_ids_and_ambiguous_matches(client, tenant, create):
    create(tenant.admin_headers, name="Twin A", email="twin@example.test")
    create(tenant.admin_headers, name="Twin B", email="twin@example.test")
    text = (
        "id,name,email\n"
        "00000000-0000-0000-0000-000000000000,Ghost,\n"
        ",Twin,twin@example.test\n"
        "not-a-uuid,Bad Id,\n"
    )
    result = _import(client, tenant.admin_headers, text).get_json()
    assert result["created"] == 0
    assert [(e["row"], sorted(e["errors"])) for e in result["errors"]] == [
        (2, ["id"]),
        (3, ["email"]),
        (4, ["id"]),
    ]


def test_import_assigns_by_email_and_notifies_each_assignee_once(app, client, tenant):
    text = "name,assigned_to\n" + "".join(
        f"Lead {n},{tenant.member.email.upper()}\n" for n in range(3)
    )
    text += "Nobody's,stranger@example.test\n"
    result = _import(client, tenant.admin_headers, text).get_json()
    assert result["created"] == 3
    assert result["errors"][0]["row"] == 5
    assert "assigned_to" in result["errors"][0]["errors"]
    with app.app_context():
        notes = db.session().scalars(select(Notification)).all()
    assert len(notes) == 1
    assert notes[0].user_id == tenant.member.id
    assert notes[0].kind == "prospect_assigned"
    assert notes[0].data["count"] == 3
    assert len(notes[0].data["prospect_ids"]) == 3


def test_export_then_import_round_trips_unchanged(client, tenant, create):
    create(
        tenant.admin_headers,
        name='=HYPERLINK("http://evil")',
        phone="+1 555 0100",
        email="typed@example.test",
        location={"lat": -33.865143, "lng": 151.2099},
        assigned_to=str(tenant.member.id),
        fields={"score": 7, "ratio": 0.5, "vip": True, "tags": ["a"], "note": "-x"},
    )
    create(tenant.admin_headers, name="@home", address="\tTabbed")
    exported = client.get(EXPORT, headers=tenant.admin_headers).get_data(as_text=True)
    result = _import(client, tenant.admin_headers, exported).get_json()
    assert (result["created"], result["updated"], result["errors"]) == (0, 0, [])
    assert result["unchanged"] == 2
    typed = _listed(client, tenant.admin_headers)['=HYPERLINK("http://evil")']
    assert typed["fields"]["score"] == 7 and typed["version"] == 1


def test_export_neutralises_formula_cells(client, tenant, create):
    dangerous = ["=1+1", "+1+cmd|x", "-2", "@SUM(A1)", "\tTab", "\rReturn"]
    for n, text in enumerate(dangerous):
        create(tenant.admin_headers, name=f"P{n}", fields={"cell": text})
    create(tenant.admin_headers, name="=cmd|' /C calc'!A0", phone="+44 20 7946 0958")
    response = client.get(EXPORT, headers=tenant.admin_headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    cells = sorted(r["fields.cell"] for r in rows if r["fields.cell"])
    assert cells == sorted("'" + text for text in dangerous)
    evil = next(r for r in rows if "cmd" in r["name"])
    assert evil["name"].startswith("'=")
    for row in rows:
        for value in row.values():
            if value != "+44 20 7946 0958":
                assert not value.startswith(("=", "+", "@", "\t", "\r")), value


def test_export_keeps_valid_phone_numbers_as_they_are(client, tenant, create):
    phones = ["+44 20 7946 0958", "+1 (555) 010-0100", "+33 1.23.45.67.89"]
    for n, phone in enumerate(phones):
        create(tenant.admin_headers, name=f"P{n}", phone=phone, fields={"alt": phone})
    # Phone-like but not a phone: letters, a pipe, a second sign, a line break.
    near = ["+44 20 7946 0958|cmd", "+1+1", "+1 555 HYPERLINK", "+44 20\n=1"]
    for n, text in enumerate(near):
        create(tenant.admin_headers, name=f"N{n}", fields={"alt": text})
    text = client.get(EXPORT, headers=tenant.admin_headers).get_data(as_text=True)
    rows = {r["name"]: r for r in csv.DictReader(io.StringIO(text))}
    for n, phone in enumerate(phones):
        assert rows[f"P{n}"]["phone"] == rows[f"P{n}"]["fields.alt"] == phone
    for n, value in enumerate(near):
        assert rows[f"N{n}"]["fields.alt"] == "'" + value
    result = _import(client, tenant.admin_headers, text).get_json()
    assert (result["unchanged"], result["errors"]) == (7, [])


def test_import_accepts_a_multipart_upload(client, tenant):
    response = client.post(
        IMPORT,
        data={"file": (io.BytesIO(GOOD_AND_BAD.encode()), "prospects.csv")},
        headers=tenant.admin_headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["created"] == 3
    assert set(_listed(client, tenant.admin_headers)) >= {"Ada Lovelace"}
    missing = client.post(
        IMPORT,
        data={"other": (io.BytesIO(b"name\nA\n"), "x.csv")},
        headers=tenant.admin_headers,
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422
    assert missing.get_json()["error"]["details"]["file"]


def test_export_lists_only_live_prospects_of_my_company(client, tenant, other, create):
    mine = create(tenant.admin_headers, name="Mine")
    gone = create(tenant.admin_headers, name="Gone")
    client.delete(f"{API}/{gone['id']}", headers=tenant.admin_headers)
    create(other.admin_headers, name="Theirs")
    text = client.get(EXPORT, headers=tenant.admin_headers).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["id"], r["name"]) for r in rows] == [(mine["id"], "Mine")]


def test_import_and_export_are_audited_without_personal_data(app, client, tenant):
    _import(client, tenant.admin_headers, GOOD_AND_BAD)
    client.get(EXPORT, headers=tenant.admin_headers).get_data()
    with app.app_context():
        events = {
            e.action: e.details
            for e in db.session().scalars(
                select(AuditEvent).where(AuditEvent.action.like("prospect.%"))
            )
        }
    assert events["prospect.imported"] == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "errors": 4,
    }
    assert events["prospect.exported"] == {"rows": 3}


def test_members_may_not_import_or_export(client, tenant):
    response = _import(client, tenant.member_headers, GOOD_AND_BAD)
    assert_error(response, 403, "forbidden")
    response = client.get(EXPORT, headers=tenant.member_headers)
    assert response.status_code == 403


def test_import_and_export_without_token_are_401(client):
    assert (
        client.post(IMPORT, data="name\nx\n", content_type="text/csv").status_code
        == 401
    )
    assert client.get(EXPORT).status_code == 401


def test_import_of_a_bad_file_is_422(client, tenant):
    for text in ("", "email\nx@example.test\n", "name,colour\nA,red\n", "name,name\n"):
        response = _import(client, tenant.admin_headers, text)
        assert_error(response, 422, "validation_error")
        assert "columns" in response.get_json()["error"]["details"]
    response = client.post(
        IMPORT,
        data=b"name\n\xff\xfe\n",
        headers=tenant.admin_headers,
        content_type="text/csv",
    )
    assert response.status_code == 422
    assert "file" in response.get_json()["error"]["details"]


def test_import_of_another_media_type_is_415(client, tenant):
    response = client.post(IMPORT, json={"name": "x"}, headers=tenant.admin_headers)
    assert_error(response, 415, "unsupported_media_type")


def test_import_above_the_row_limit_is_413(app, client, tenant, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_MAX_ROWS", 2)
    response = _import(client, tenant.admin_headers, "name\nA\nB\nC\n")
    assert_error(response, 413, "payload_too_large")
    assert _listed(client, tenant.admin_headers) == {}


def test_import_honours_idempotency_key(client, tenant):
    first = _import(
        client, tenant.admin_headers, "name\nA\n", **{"Idempotency-Key": "imp"}
    )
    again = _import(
        client, tenant.admin_headers, "name\nA\n", **{"Idempotency-Key": "imp"}
    )
    assert (
        again.get_json()
        == first.get_json()
        == {
            "created": 1,
            "updated": 0,
            "unchanged": 0,
            "errors": [],
        }
    )
    assert again.headers["Idempotent-Replayed"] == "true"
    other = _import(
        client, tenant.admin_headers, "name\nB\n", **{"Idempotency-Key": "imp"}
    )
    assert_error(other, 422, "idempotency_key_reused")
