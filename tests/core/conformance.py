"""Validation of recorded bank exchanges against a published OpenAPI file
(not a test module).

``SpecCheck(spec_file, base_url)`` loads one of the files in ``specs/`` (YAML
or JSON; a
Swagger 2.0 file is first put in OpenAPI 3.0 form, see ``swagger2_to_oas3``)
with its servers replaced by ``base_url``; ``check(exchange)`` validates one
``core.http.Exchange`` (request and response) with openapi-core and returns
the problems found, each one line naming the call, the field and the rule
broken.
"""

import copy
import functools
import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.exceptions import OpenAPIError
from openapi_core.validation.response.validators import V30ResponseHeadersValidator
from werkzeug.datastructures import Headers, ImmutableMultiDict

SPECS = Path(__file__).parent / "specs"
BERLIN_GROUP = "psd2-api_v1.3.11-2021-10-01v1.yaml"
POLISHAPI = "PolishAPI-ver2_1_1.yaml"
ENABLE_BANKING = "enablebanking-api-reference-1.0.0-3030f99c.yaml"
GOCARDLESS = "gocardless-bankaccountdata-2.0-v2.json"
# PolishAPI path version -> its published file.
POLISHAPI_FILES = {
    "v2_1_1.1": POLISHAPI,
    "v2_1_2.1": "ZBP-polish-api-2_1_2-swagger.json",
}


@functools.cache
def _load(name: str) -> dict:
    with open(SPECS / name, encoding="utf-8") as handle:
        spec = yaml.safe_load(handle)
    if spec.get("swagger") == "2.0":
        spec = swagger2_to_oas3(spec)
    return spec


def _refs_to_components(node):
    """Swagger 2.0 ``#/definitions/X`` references as OpenAPI 3.0 ones."""
    if isinstance(node, dict):
        return {
            key: (
                value.replace("#/definitions/", "#/components/schemas/")
                if key == "$ref" and isinstance(value, str)
                else _refs_to_components(value)
            )
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_refs_to_components(item) for item in node]
    return node


def swagger2_to_oas3(swagger: dict) -> dict:
    """The parts of a Swagger 2.0 file the validation needs, as OpenAPI 3.0:
    definitions become component schemas, a ``body`` parameter the request
    body, the other parameters' types their schema, a response's schema its
    JSON content. Schemas themselves are the same in both (the JSON Schema
    subset), so nothing else changes."""
    swagger = _refs_to_components(copy.deepcopy(swagger))
    shared = swagger.get("parameters", {})
    media = (swagger.get("consumes") or ["application/json"])[0]

    def parameter(raw):
        if "$ref" in raw:
            raw = shared[raw["$ref"].rsplit("/", 1)[1]]
        if raw["in"] == "body":
            return None, {
                "required": bool(raw.get("required")),
                "content": {media: {"schema": raw["schema"]}},
            }
        schema = {
            key: raw[key]
            for key in ("type", "format", "enum", "pattern", "maxLength", "minLength")
            if key in raw
        }
        converted = {
            "name": raw["name"],
            "in": raw["in"],
            "required": bool(raw.get("required")),
            "schema": schema or {"type": "string"},
        }
        return converted, None

    paths = {}
    for path, item in swagger.get("paths", {}).items():
        paths[path] = {}
        for method, operation in item.items():
            if method not in ("get", "put", "post", "delete", "patch"):
                continue  # vendor extensions of the path
            converted = {
                key: value
                for key, value in operation.items()
                if key not in ("parameters", "responses", "consumes", "produces")
            }
            converted["parameters"] = []
            for raw in operation.get("parameters", []):
                plain, body = parameter(raw)
                if body is not None:
                    converted["requestBody"] = body
                else:
                    converted["parameters"].append(plain)
            responses = {}
            for status, answer in operation.get("responses", {}).items():
                out = {"description": answer.get("description") or str(status)}
                if "schema" in answer:
                    out["content"] = {media: {"schema": answer["schema"]}}
                if "headers" in answer:
                    out["headers"] = {
                        name: {"schema": header}
                        for name, header in answer["headers"].items()
                    }
                responses[str(status)] = out
            converted["responses"] = responses
            paths[path][method] = converted
    return {
        "openapi": "3.0.3",
        "info": swagger["info"],
        "paths": paths,
        "components": {"schemas": swagger.get("definitions", {})},
    }


class _Request:
    def __init__(self, exchange):
        parts = urlsplit(exchange.url)
        self.host_url = f"{parts.scheme}://{parts.netloc}"
        self.path = parts.path
        self.method = exchange.method.lower()
        self.body = exchange.request_body or None
        headers = Headers(list(exchange.request_headers.items()))
        self.content_type = (headers.get("Content-Type") or "").lower()
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(parse_qsl(parts.query, keep_blank_values=True)),
            header=headers,
        )


class _Response:
    def __init__(self, exchange):
        self.status_code = exchange.status
        self.headers = Headers(list(exchange.response_headers.items()))
        self.content_type = (self.headers.get("Content-Type") or "").lower()
        self.data = exchange.response_body


def describe(error) -> str:
    """The field and the rule of an openapi-core error, as one line: the
    schema errors it wraps name the place in the body and the keyword."""
    found = []
    seen = set()

    def walk(node):
        if id(node) in seen:
            return
        seen.add(id(node))
        details = getattr(node, "schema_errors", None)
        if details:
            for detail in details:
                where = "/".join(str(step) for step in detail.absolute_path) or "(body)"
                found.append(f"{where}: {detail.validator} — {detail.message[:300]}")
            return
        for attr in ("__cause__", "__context__"):
            inner = getattr(node, attr, None)
            if inner is not None:
                walk(inner)

    walk(error)
    head = f"{type(error).__name__}: {str(error)[:300]}"
    return head + ("; " + "; ".join(found) if found else "")


class SpecCheck:
    def __init__(self, spec_file: str, base_url: str):
        spec = dict(_load(spec_file))
        spec["servers"] = [{"url": base_url.rstrip("/")}]
        # The file itself is not re-validated on every test (it is the
        # published one, kept as it came).
        self.openapi = OpenAPI.from_dict(spec, config=Config(spec_validator_cls=None))
        # A statement file (MT940 text, camt.053 XML) is a bare string in
        # the file, described twice over (mt940 and mt942 both match any
        # text): its status and headers are checked, not its body.
        self.headers_only = OpenAPI.from_dict(
            spec,
            config=Config(
                spec_validator_cls=None,
                response_validator_cls=V30ResponseHeadersValidator,
            ),
        )
        self.name = spec_file

    def check(self, exchange) -> list[str]:
        """The problems of one exchange: its request, then its response."""
        call = f"{exchange.method} {urlsplit(exchange.url).path} -> {exchange.status}"
        problems = []
        request = _Request(exchange)
        response = _Response(exchange)
        answer_check = self.openapi
        if response.data and "json" not in response.content_type:
            answer_check = self.headers_only
        for side, validate in (
            ("request", lambda: self.openapi.validate_request(request)),
            ("response", lambda: answer_check.validate_response(request, response)),
        ):
            try:
                validate()
            except OpenAPIError as error:
                problems.append(f"{self.name}: {call}: {side}: {describe(error)}")
        return problems


def without_known(problems, *patterns) -> list[str]:
    """``problems`` without the known deviations: a problem's details (the
    parts after ``; ``) matching one of ``patterns`` are dropped, and a
    problem left with no detail is dropped."""
    kept = []
    for problem in problems:
        head, *details = problem.split("; ")
        left = [d for d in details if not any(re.search(p, d) for p in patterns)]
        if left or not details:
            kept.append("; ".join([head, *left]))
    return kept


def pretty(problems) -> str:
    return "\n".join(problems) if problems else "no problem"


def body_of(exchange):
    try:
        return json.loads(exchange.response_body or b"null")
    except ValueError:
        return None
