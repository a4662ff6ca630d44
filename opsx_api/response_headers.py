"""`Cache-Control: no-store` on every answer but the public, data-free documents.

Answers carry tokens (login, refresh, support sessions) or personal data
(`/me`, prospects, users, audit, exports) on most routes; listing those would
miss the next one added. So the rule is the other way round: every answer,
errors included, is `no-store`, except health, readiness, the Swagger UI and
the specs (Swagger 2.0 and OpenAPI 3.1), which hold nothing about anyone.
"""

from flask import Flask, Response, request

CACHEABLE_PATHS = frozenset(
    {
        "/api/v1/health",
        "/api/v1/ready",
        "/api/v1/docs",
        "/api/v1/swagger.json",
        "/api/v1/openapi.json",
    }
)
CACHEABLE_PREFIXES = ("/swaggerui/",)  # flask-restx's Swagger UI assets


def cacheable(path: str) -> bool:
    return path in CACHEABLE_PATHS or path.startswith(CACHEABLE_PREFIXES)


def no_store(response: Response) -> Response:
    if not cacheable(request.path):
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    app.after_request(no_store)
