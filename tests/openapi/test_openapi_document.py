"""/api/v1/openapi.json: a valid OpenAPI 3.1 document that says what the API does."""

from openapi_spec_validator import validate

from tests.factories import assert_error
from tests.test_auth_required import PUBLIC
from tests.test_docs import spec as swagger

METHODS = ("get", "post", "put", "patch", "delete")


def document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def operations(doc: dict):
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method in item:
                yield f"{method.upper()} {path}", item, item[method]


def test_the_document_is_valid_openapi_3_1(client):
    doc = document(client)
    assert doc["openapi"] == "3.1.0"
    validate(doc)  # raises on the first error
    assert doc["paths"].keys() == swagger(client)["paths"].keys()


def test_every_authenticated_operation_documents_401_and_403(client):
    doc = document(client)
    protected = 0
    for where, _item, operation in operations(doc):
        if operation.get("security") == []:
            public = f"/api/v1{where.split()[1]}"
            assert public in PUBLIC, f"{where} is public in the spec only"
            assert "**Public**" in operation["description"], where
            continue
        protected += 1
        responses = operation["responses"]
        assert {"unauthorized", "invalid_token"} <= set(
            responses["401"]["x-error-codes"]
        ), where
        assert "forbidden" in responses["403"]["x-error-codes"], where
        assert "**Who may call**" in operation["description"], where
    assert protected > 40
    assert doc["security"] == [{"Bearer": []}]
    bearer = doc["components"]["securitySchemes"]["Bearer"]
    assert (bearer["type"], bearer["scheme"]) == ("http", "bearer")


def test_swagger_2_also_documents_401_on_every_authenticated_operation(client):
    for path, item in swagger(client)["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation and operation.get("security") != []:
                assert (
                    "invalid_token" in operation["responses"]["401"]["x-error-codes"]
                ), f"{method} {path}"


def test_every_error_answer_uses_the_envelope_with_an_example_per_code(client):
    doc = document(client)
    for where, _item, operation in operations(doc):
        assert operation.get("description"), f"{where} has no description"
        for status, response in operation["responses"].items():
            if int(status) < 400:
                continue
            content = response["content"]["application/json"]
            assert content["schema"] == {"$ref": "#/components/schemas/Error"}
            codes = response["x-error-codes"]
            assert codes and set(content["examples"]) == set(codes), where
            for code, example in content["examples"].items():
                assert example["value"]["error"]["code"] == code
    login = doc["paths"]["/auth/login"]["post"]["responses"]
    assert login["409"]["x-error-codes"] == ["device_conflict"]
    assert login["401"]["x-error-codes"] == ["invalid_credentials"]


def test_login_device_and_first_admin_are_required_in_both_documents(client):
    schemas = document(client)["components"]["schemas"]
    definitions = swagger(client)["definitions"]
    for models in (schemas, definitions):
        assert {"email", "password", "device"} <= set(models["LoginInput"]["required"])
        assert {"id", "platform"} <= set(models["Device"]["required"])
        assert "admin" in models["ClientCreate"]["required"]
    login = document(client)["paths"]["/auth/login"]["post"]["requestBody"]
    schema = login["content"]["application/json"]["schema"]
    assert login["required"] and schema["$ref"].endswith("/LoginInput")


def test_query_parameters_are_typed_and_lists_document_invalid_cursor(client):
    doc = document(client)
    users = doc["paths"]["/admin/users"]["get"]
    params = {p["name"]: p for p in users["parameters"]}
    assert params["limit"]["schema"] == {"type": "integer", "minimum": 1, "default": 50}
    assert params["cursor"]["schema"] == {"type": "string"}
    assert params["status"]["schema"]["enum"] == ["invited", "active", "deactivated"]
    lists = 0
    for where, _item, operation in operations(doc):
        names = {p["name"] for p in operation.get("parameters", [])}
        if "cursor" in names:
            lists += 1
            responses = operation["responses"]
            assert "invalid_cursor" in responses["400"]["x-error-codes"], where
            assert "validation_error" in responses["422"]["x-error-codes"], where
    assert lists >= 8


def test_csv_bodies_are_documented_as_text_csv(client):
    paths = document(client)["paths"]
    imported = paths["/prospects/import"]["post"]
    assert list(imported["requestBody"]["content"]) == ["text/csv"]
    assert imported["requestBody"]["content"]["text/csv"]["schema"] == {
        "type": "string"
    }
    exported = paths["/prospects/export"]["get"]["responses"]
    assert list(exported["200"]["content"]) == ["text/csv"]
    assert list(exported["401"]["content"]) == ["application/json"]


def test_nullable_fields_allow_null(client):
    schemas = document(client)["components"]["schemas"]
    prospect = schemas["Prospect"]["properties"]
    assert prospect["phone"]["type"] == ["string", "null"]
    assert {"type": "null"} in prospect["location"]["anyOf"]
    assert schemas["ProspectPage"]["properties"]["next_cursor"]["type"] == [
        "string",
        "null",
    ]


def test_a_malformed_query_parameter_is_a_query_error_not_a_body_error(client, factory):
    company = factory.company()
    response = client.get("/api/v1/admin/users?limit=abc", headers=company.headers)
    error = assert_error(response, 422, "validation_error")
    assert error["message"] == "Invalid query parameter: limit."
    assert error["details"] == {"limit": ["Not a valid integer."]}


def test_idempotent_writes_and_field_limits_document_their_codes(client):
    paths = document(client)["paths"]

    def codes(path, method, status):
        return paths[path][method]["responses"][status]["x-error-codes"]

    for path in ("/prospects", "/prospects/import", "/prospects/{prospect_id}/notes"):
        assert "invalid_idempotency_key" in codes(path, "post", "400"), path
        assert "idempotency_key_in_use" in codes(path, "post", "409"), path
        assert "idempotency_key_reused" in codes(path, "post", "422"), path
    assert "field_limit_exceeded" in codes("/prospects", "post", "422")
    assert "field_limit_exceeded" in codes("/prospects/{prospect_id}", "patch", "422")
    assert "json_too_deep" not in codes("/prospects/import", "post", "400")
    assert "json_too_deep" in codes("/prospects", "post", "400")
