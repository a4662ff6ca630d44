"""The OpenAPI spec documents every endpoint with its request and response models."""

import re

UNSAFE = {"post", "put", "patch"}
NO_BODY = {
    ("post", "/auth/logout"),
    ("post", "/admin/users/{user_id}/reactivate"),
    ("post", "/admin/users/{user_id}/invitation"),
    ("post", "/admin/users/{user_id}/password-reset"),
    ("post", "/prospects/{prospect_id}/erase"),
    ("post", "/me/notifications/{notification_id}/read"),
}


def spec(client):
    response = client.get("/api/v1/swagger.json")
    assert response.status_code == 200
    return response.get_json()


def test_swagger_ui_is_served(client):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert b"swagger" in response.data.lower()


def test_every_route_is_in_the_spec(client, app):
    paths = spec(client)["paths"]
    documented = {
        (method.upper(), re.sub(r"{[^}]+}", "{}", path))
        for path, item in paths.items()
        for method in item
        if method != "parameters"
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.endpoint in (
            "api.specs",
            "api.doc",
            "api.root",
            "api.openapi",
        ):
            continue
        path = re.sub(r"<(?:[a-z]+:)?[^>]+>", "{}", rule.rule.removeprefix("/api/v1"))
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (method, path) in documented, (method, path)


def test_operations_have_summaries_and_models(client):
    document = spec(client)
    definitions = document["definitions"]
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), f"{where} has no summary"
            if (
                method in UNSAFE
                and (method, path) not in NO_BODY
                and "import" not in path
            ):
                bodies = [
                    p for p in operation.get("parameters", []) if p["in"] == "body"
                ]
                assert bodies, f"{where} documents no request body"
                ref = bodies[0]["schema"]["$ref"].rsplit("/", 1)[-1]
                assert definitions[ref]["properties"], where
            successes = {
                code: r
                for code, r in operation["responses"].items()
                if code.startswith("2")
            }
            assert successes, f"{where} documents no success response"
            for code, response in successes.items():
                if code != "204" and "export" not in path:
                    assert "schema" in response, f"{where} {code} has no model"


def test_bearer_auth_is_declared_and_public_routes_opt_out(client):
    document = spec(client)
    assert document["securityDefinitions"]["Bearer"]["in"] == "header"
    assert document["security"] == [{"Bearer": []}]
    assert document["paths"]["/auth/login"]["post"]["security"] == []
    assert document["paths"]["/health"]["get"]["security"] == []


def test_models_come_from_the_marshmallow_schemas(client):
    document = spec(client)
    definitions = document["definitions"]
    body = document["paths"]["/auth/login"]["post"]["parameters"][0]["schema"]
    login = definitions[body["$ref"].rsplit("/", 1)[-1]]["properties"]
    assert set(login) == {"email", "password", "device"}
    assert definitions["Device"]["properties"]["platform"]["enum"] == [
        "android",
        "ios",
        "web",
    ]
    assert "password" not in definitions["User"]["properties"]


def test_every_operation_documents_the_errors_of_the_shared_layers(client):
    document = spec(client)
    for path, item in document["paths"].items():
        shared = item.get("parameters", [])
        for method, operation in item.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            codes = set(operation["responses"])
            places = {p["in"] for p in [*shared, *operation.get("parameters", [])]}
            if operation.get("security") != []:
                assert {"401", "403"} <= codes, where
            if "path" in places:
                assert "404" in codes, where
            if "body" in places:
                assert {"400", "413", "415", "422"} <= codes, where
            if "query" in places:
                assert {"400", "422"} <= codes, where


def test_nullable_fields_are_marked_x_nullable(client):
    definitions = spec(client)["definitions"]
    prospect = definitions["Prospect"]["properties"]
    for name in ("phone", "email", "assigned_to", "address", "external_id"):
        assert prospect[name].get("x-nullable") is True, name
    assert prospect["location"]["x-nullable"] is True
    assert "allOf" in prospect["location"]
    assert definitions["ProspectPage"]["properties"]["next_cursor"]["x-nullable"]
    assert definitions["ErrorBody"]["properties"]["details"]["x-nullable"]
    assert definitions["SupportGrant"]["properties"]["status"]["type"] == "string"
