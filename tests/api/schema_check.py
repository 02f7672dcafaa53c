"""Every answer of the API checked against its OpenAPI schema, as generated: the status is
one the operation documents, and the JSON body matches the schema written for it (a file
downloaded: its content type is one the operation documents for its status)."""

import re
from functools import cache

from django.urls import resolve
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator


@cache
def api_schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _schema_path(path: str) -> str:
    route = resolve(path).route
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


def check_against_schema(response) -> None:
    """Fail unless ``response`` (from the test client) is what the schema says."""
    schema = api_schema()
    path = _schema_path(response.request["PATH_INFO"])
    method = response.request["REQUEST_METHOD"].lower()
    operation = schema["paths"][path].get(method)
    if operation is None:  # a method the endpoint does not have
        assert response.status_code in {401, 405}, (method, path, response.status_code)
        assert isinstance(response.json().get("detail"), str)
        return
    documented = operation["responses"].get(str(response.status_code))
    assert documented is not None, (
        f"{method.upper()} {path} answered {response.status_code}, which its schema does not "
        f"document ({sorted(operation['responses'])})"
    )
    content_type = response["Content-Type"].split(";")[0]
    assert content_type in documented["content"], (
        f"{method.upper()} {path} {response.status_code} sent {content_type}, "
        f"documented: {sorted(documented['content'])}"
    )
    if content_type != "application/json":
        return
    body = response.json()
    body_schema = documented["content"]["application/json"]["schema"]
    validator = Draft202012Validator({**body_schema, "components": schema["components"]})
    errors = [f"{list(error.path)}: {error.message}" for error in validator.iter_errors(body)]
    assert errors == [], f"{method.upper()} {path} {response.status_code}: {errors}"
