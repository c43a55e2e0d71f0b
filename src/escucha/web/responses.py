"""The API's error bodies, and the statuses an operation declares in the OpenAPI document.

Every error under /api/v1 is JSON `{"detail": ...}`: a sentence, or for a query error the
sentence and its position in `q`. Validation errors (422) keep FastAPI's own body, which
FastAPI documents itself."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class QueryProblem(BaseModel):
    message: str
    position: int | None = Field(description="0-based offset in `q`; null: another filter")


class Problem(BaseModel):
    detail: str | QueryProblem


_WHY = {
    400: "Bad input: a query error (with its position) or a request the data refuses",
    401: "No valid API token (Authorization: Bearer TOKEN)",
    403: "This token's scope or its user's role may not do this",
    404: "No such record",
    409: "The request clashes with the stored state",
    429: "Too many requests for this token or user; wait Retry-After seconds",
    502: "A platform refused or did not answer what was asked of it (e.g. a publish)",
    503: "The query ran past its time budget and was stopped; narrow it",
}
_RETRY_AFTER = {
    "Retry-After": {"description": "seconds to wait", "schema": {"type": "integer"}},
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` of an operation (or a router) that may answer with these statuses."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        out[status] = {"model": Problem, "description": _WHY[status]}
        if status == 429:
            out[status]["headers"] = _RETRY_AFTER
    return out


AUTHENTICATED = errors(401, 429)  # every /api/v1 operation: the token, then its rate
FILTERED = errors(400, 503)  # operations that take the post filters (a query `q`)
