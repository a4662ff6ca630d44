"""What `q` matches: substrings from three characters, word starts below.

The reference below is written from the rule in opsx_api/search.py, not from
its code; every test runs on SQLite (scans) and PostgreSQL (trigram index) and
the answers must be the same.
"""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from opsx_api import db
from opsx_api.search import prospect_search
from opsx_api.services.prospects import listing
from tests.prospects.conftest import API

SEPARATORS = set(
    " \t\n\r" + string.punctuation + "\u00a0\u2013\u2014\u2018\u2019\u201c\u201d"
)

NAMES = [
    "100% Natural",
    "under_score Ltd",
    "Back\\slash & Co",
    "O'Brien",
    'Say "Hello"',
    "Robert'); DROP TABLE prospects;--",
    "Plain Person",
]

PEOPLE = [
    {
        "name": "Ada Lovelace",
        "phone": "+44 20 7946 0018",
        "email": "ada@analytical.test",
    },
    {"name": "Grace Adams", "phone": "+1 (555) 010-0199", "email": "g.adams@navy.test"},
    {"name": "Alan Turing", "phone": "0161 496 0000", "email": "alan@bletchley.test"},
    {"name": "Canada Dry", "phone": None, "email": "orders@canada-dry.test"},
    {"name": "Pizza Zizzi", "phone": "020 7946 0999", "email": None},
    {"name": "Zed Zzyzx", "phone": "+1 555 0123", "email": "zed@zzyzx.test"},
    {"name": "Édith Piaf", "phone": None, "email": "edith@chanson.test"},
]


def reference(person: dict, term: str) -> bool:
    """The rule, in plain Python."""
    term = term.strip().lower()
    values = [v.lower() for v in person.values() if v]
    if not term:
        return True
    if len(term) > 2:
        return any(term in value for value in values)
    word = "".join(ch for ch in term if ch not in SEPARATORS)
    if not word:
        return True
    return any(
        value.startswith(word, i) and (i == 0 or value[i - 1] in SEPARATORS)
        for value in values
        for i in range(len(value))
    )


def _names(client, headers, q, limit=100):
    """Every page of the search, in order, following the cursors."""
    names, cursor = [], None
    while True:
        query = {"q": q, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(API, query_string=query, headers=headers)
        assert response.status_code == 200, (q, response.get_json())
        body = response.get_json()
        names += [item["name"] for item in body["data"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return names


def _search(client, headers, q):
    return sorted(_names(client, headers, q))


@pytest.fixture
def people(tenant, create):
    for person in PEOPLE:
        create(tenant.member_headers, **{k: v for k, v in person.items() if v})
    return tenant.member_headers


def test_three_characters_or_more_match_literally_anywhere(client, tenant, create):
    for name in NAMES:
        create(tenant.member_headers, name=name)
    headers = tenant.member_headers
    assert _search(client, headers, "0% N") == ["100% Natural"]
    assert _search(client, headers, "r_s") == ["under_score Ltd"]
    assert _search(client, headers, "k\\s") == ["Back\\slash & Co"]
    assert _search(client, headers, "o'b") == ["O'Brien"]
    assert _search(client, headers, '"he') == ['Say "Hello"']
    assert _search(client, headers, "drop table") == [NAMES[5]]
    assert _search(client, headers, "'; DROP TABLE prospects;--") == []
    assert _search(client, headers, "%_%") == []
    assert _search(client, headers, "___") == []
    assert _search(client, headers, "plain") == ["Plain Person"]
    assert _search(client, headers, "ain") == ["Plain Person"]


def test_search_covers_phone_and_email(client, tenant, create):
    create(tenant.member_headers, name="A", phone="+1 (555) 010-0199")
    create(tenant.member_headers, name="B", email="Jane.Doe@Example.test")
    headers = tenant.member_headers
    assert _search(client, headers, "(555) 010") == ["A"]
    assert _search(client, headers, "JANE.doe@") == ["B"]
    assert _search(client, headers, "0-01") == ["A"]


def test_one_or_two_characters_match_the_start_of_a_word(client, people):
    assert _search(client, people, "a") == [
        "Ada Lovelace",
        "Alan Turing",
        "Grace Adams",
    ]
    assert _search(client, people, "AD") == ["Ada Lovelace", "Grace Adams"]
    assert _search(client, people, "zz") == ["Zed Zzyzx"]
    assert _search(client, people, "ca") == ["Canada Dry"]
    assert _search(client, people, "dr") == ["Canada Dry"]
    assert _search(client, people, "55") == ["Grace Adams", "Zed Zzyzx"]
    assert _search(client, people, "01") == ["Alan Turing", "Grace Adams", "Zed Zzyzx"]
    assert _search(client, people, "xq") == []


def test_separators_in_a_short_term_are_dropped(client, people):
    assert _search(client, people, "+4") == ["Ada Lovelace", "Alan Turing"]
    assert _search(client, people, "@n") == ["Grace Adams"]
    assert _search(client, people, "a.") == _search(client, people, "a")
    everyone = sorted(p["name"] for p in PEOPLE)
    assert _search(client, people, "@") == everyone
    assert _search(client, people, "%") == everyone


def test_three_characters_still_find_the_middle_of_a_word(client, people):
    assert _search(client, people, "ada") == [
        "Ada Lovelace",
        "Canada Dry",
        "Grace Adams",
    ]
    assert _search(client, people, "zzi") == ["Pizza Zizzi"]


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(q=st.text(alphabet=string.printable.strip(), min_size=1, max_size=6))
def test_any_term_matches_as_the_rule_says(client, tenant, create, q):
    """Whatever a user types, the answer is the rule's, on either database."""
    if not hasattr(tenant, "_made"):
        for person in PEOPLE:
            create(tenant.member_headers, **{k: v for k, v in person.items() if v})
        for name in NAMES:
            create(tenant.member_headers, name=name)
        tenant._made = True
    rows = PEOPLE + [{"name": name} for name in NAMES]
    expected = sorted(p["name"] for p in rows if reference(p, q))
    assert _search(client, tenant.member_headers, q) == expected


@pytest.mark.parametrize("probe", [3, 500])
@pytest.mark.parametrize("limit", [1, 2, 5])
def test_every_search_path_pages_through_the_same_answer(
    client, tenant, create, monkeypatch, probe, limit
):
    """The probe, the longer walk and the index each give the same pages."""
    monkeypatch.setattr(listing, "PROBE_ROWS", probe)
    monkeypatch.setattr(listing, "MIN_PROBE_HITS", 1)
    monkeypatch.setattr(listing, "WALK_MAX_ROWS", 6)
    for n in range(14):
        name = f"Ada {n}" if n % 3 else f"Zed {n}"
        create(tenant.member_headers, name=name, phone=f"+1 555 01{n:02d}")
    headers = tenant.member_headers
    newest_first = _names(client, headers, "", limit=100)
    for term in ("a", "ad", "ze", "zed", "555 01", "01", "1 5", "nobody"):
        rows = [{"name": name, "phone": None} for name in newest_first]
        phones = {
            f"Ada {n}" if n % 3 else f"Zed {n}": f"+1 555 01{n:02d}" for n in range(14)
        }
        for row in rows:
            row["phone"] = phones[row["name"]]
        expected = [row["name"] for row in rows if reference(row, term)]
        assert _names(client, headers, term, limit=limit) == expected, term


def test_an_empty_query_lists_everything(client, tenant, create):
    create(tenant.member_headers, name="Anyone")
    assert _search(client, tenant.member_headers, "") == ["Anyone"]


def test_a_term_with_separators_matches_its_literal_text_only(client, tenant, create):
    """Removing separators finds candidates; the literal check keeps the term's."""
    for name, email in (
        ("Ann Abel", "a.abel@x.test"),
        ("Annabel Lee", "annabel@x.test"),
        ("Edsger Dijkstra", "edsger.dijkstra.5@x.test"),
        ("Edsger Dijkstra", "edsger-dijkstra-5@x.test"),
        ("Edsger Dijkstra", "edsger.dijkstra.6@x.test"),
    ):
        create(tenant.member_headers, name=name, email=email)
    headers = tenant.member_headers
    assert _search(client, headers, "ann abel") == ["Ann Abel"]
    assert _search(client, headers, "annab") == ["Annabel Lee"]
    assert _names(client, headers, "edsger.dijkstra.5") == ["Edsger Dijkstra"]
    assert _search(client, headers, "r-dijkstra-5@") == ["Edsger Dijkstra"]
    assert _search(client, headers, "dijkstra 5") == []


def test_the_index_step_looks_a_separated_term_up_in_the_joined_index(
    app, tenant, create, postgresql_only
):
    """On PostgreSQL `edsger.dijkstra.5` asks search_joined's trigrams, which
    keep `ra5`, not search_text's, whose words match every Edsger Dijkstra."""
    search = prospect_search("edsger.dijkstra.5")
    assert search is not None and search.shape == "joined"
    values = {
        "client_id": tenant.client.id,
        "limit": 51,
        "folded": search.folded,
        "literal": search.literal,
        "joined": search.joined,
    }
    with app.app_context(), db.get_db().engine.connect() as connection:
        # Enough rows, with statistics, for the planner to weigh the indexes.
        connection.exec_driver_sql(
            "INSERT INTO prospects (id, client_id, name, phone, email, status, "
            "fields, version, change_seq, created_at, updated_at) "
            "SELECT gen_random_uuid(), %(client)s, 'Edsger Dijkstra ' || n, "
            "'+1 555 ' || n, 'edsger.dijkstra.' || n || '@x.test', 'new', '{}', "
            "1, 1000 + n, now(), now() FROM generate_series(1, 20000) AS n",
            {"client": tenant.client.id},
        )
        connection.exec_driver_sql("ANALYZE prospects")
        # A small table is cheaper to scan; production tables are not.
        connection.exec_driver_sql("SET enable_seqscan = off")
        statement = listing._query("index", (), search.shape).statement
        compiled = statement.compile(dialect=connection.dialect)
        plan = connection.exec_driver_sql(
            f"EXPLAIN {compiled}", compiled.construct_params(values)
        )
        plan_text = "\n".join(row[0] for row in plan)
    assert "ix_prospects_search_joined_trgm" in plan_text, plan_text
    assert "ix_prospects_search_trgm" not in plan_text, plan_text
