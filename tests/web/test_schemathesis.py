"""Schemathesis against the OpenAPI document, in process, on a small seeded workspace: no
request it generates gets a 5xx, a status the operation does not declare, or a body that
does not match the declared schema. The budget is small (a few examples per operation);
the issue's full run (16,480 requests) is `st run` against a served app."""

from __future__ import annotations

import itertools

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, Phase, given, settings  # noqa: E402
from schemathesis import GenerationMode  # noqa: E402
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import (  # noqa: E402
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import bearer, community_workspace  # noqa: E402

EXAMPLES = 6  # per operation and token


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The community's workspace, analysed, with ideas, and tokens whose ids the generated
    DELETE /tokens/{id} is unlikely to hit (it may only revoke the caller's own)."""
    from escucha.auth.tokens import create_token
    from escucha.config import WebLimits
    from escucha.ideas import refresh_ideas
    from escucha.web.app import create_app
    from escucha.web.context import WebSettings

    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("ESCUCHA_DATABASE_URL", raising=False)
        ws = community_workspace(tmp_path_factory)
        ws.analyze()
        refresh_ideas(ws)
        for _ in range(200):
            create_token(ws.engine, "vic", "read")
        tokens = {
            "read": create_token(ws.engine, "ana", "read")[0],
            "write": create_token(ws.engine, "ada", "write")[0],
        }
        unlimited = WebLimits(token_requests_per_minute=10**9, user_requests_per_minute=10**9)
        app = create_app(ws, WebSettings(limits=unlimited))
        yield app, tokens


BUDGET = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]


@pytest.mark.parametrize("scope", ["read", "write"])
def test_the_api_keeps_its_openapi_promises(seeded, scope: str) -> None:
    app, tokens = seeded
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 25

    for operation, mode in itertools.product(operations, GenerationMode):

        @BUDGET
        @given(case=operation.as_strategy(generation_mode=mode))
        def run(case) -> None:
            case.call_and_validate(headers=bearer(tokens[scope]), checks=CHECKS)

        try:
            run()
        except Exception as exc:  # every operation's failures, not only the first's
            failures.append(f"{operation.label} ({mode.value} data): {exc}")
    assert not failures, "\n\n".join(failures)


def test_every_operation_declares_its_auth_and_rate_errors(seeded) -> None:
    app, _ = seeded
    spec = app.openapi()
    problem = {"$ref": "#/components/schemas/Problem"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            for status in ("401", "429"):
                body = responses[status]["content"]["application/json"]["schema"]
                assert body == problem, (method, path, status)
            assert "Retry-After" in responses["429"]["headers"]
            parameters = operation.get("parameters", [])
            if any("Boolean query" in p.get("description", "") for p in parameters):
                assert {"400", "503"} <= set(responses), (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
