"""Search is literal and case-insensitive over name, phone and email."""

import string

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.prospects.conftest import API

NAMES = [
    "100% Natural",
    "under_score Ltd",
    "Back\\slash & Co",
    "O'Brien",
    'Say "Hello"',
    "Robert'); DROP TABLE prospects;--",
    "Plain Person",
]


def _search(client, headers, q):
    response = client.get(API, query_string={"q": q, "limit": 100}, headers=headers)
    assert response.status_code == 200, (q, response.get_json())
    return sorted(item["name"] for item in response.get_json()["data"])


def test_wildcards_quotes_and_sql_match_literally(client, tenant, create):
    for name in NAMES:
        create(tenant.member_headers, name=name)
    headers = tenant.member_headers
    assert _search(client, headers, "%") == ["100% Natural"]
    assert _search(client, headers, "_") == ["under_score Ltd"]
    assert _search(client, headers, "\\") == ["Back\\slash & Co"]
    assert _search(client, headers, "'") == sorted([NAMES[3], NAMES[5]])
    assert _search(client, headers, '"') == ['Say "Hello"']
    assert _search(client, headers, "drop table") == [NAMES[5]]
    assert _search(client, headers, "'; DROP TABLE prospects;--") == []
    assert _search(client, headers, "o'brien") == ["O'Brien"]
    assert _search(client, headers, "%_%") == []
    assert _search(client, headers, "plain") == ["Plain Person"]


def test_search_covers_phone_and_email(client, tenant, create):
    create(tenant.member_headers, name="A", phone="+1 (555) 010-0199")
    create(tenant.member_headers, name="B", email="Jane.Doe@Example.test")
    headers = tenant.member_headers
    assert _search(client, headers, "(555) 010") == ["A"]
    assert _search(client, headers, "JANE.doe@") == ["B"]


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(q=st.text(alphabet=string.printable.strip(), min_size=1, max_size=12))
def test_any_query_is_answered_and_matches_literally(client, tenant, create, q):
    """Whatever a user types, the answer is the literal substring match."""
    if not hasattr(tenant, "_made"):
        for name in NAMES:
            create(tenant.member_headers, name=name)
        tenant._made = True
    expected = sorted(n for n in NAMES if q.strip().lower() in n.lower())
    assert _search(client, tenant.member_headers, q) == expected


def test_an_empty_query_lists_everything(client, tenant, create):
    create(tenant.member_headers, name="Anyone")
    assert _search(client, tenant.member_headers, "") == ["Anyone"]
