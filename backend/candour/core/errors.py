"""One error shape for every 4xx: RFC 9457 problem details, with the fields that were wrong.

Domain code raises a :class:`DomainError` subclass; the handlers here turn it, FastAPI's
validation errors and Starlette's HTTP errors into ``application/problem+json``. Nothing
else reaches the client: an unexpected exception becomes a bare 500 without a trace — except
a lost database (a restart, a failover, a terminated backend), which is a 503 with
``Retry-After``: the request can simply be tried again (:func:`is_database_unavailable`).
"""

from __future__ import annotations

import logging
import traceback
from typing import Any, ClassVar

import asyncpg
from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

logger = logging.getLogger("candour.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"


class FieldProblem(BaseModel):
    """One wrong field: where it is, what was wrong, and a stable code."""

    field: str = Field(description="Dotted path of the field, e.g. `body.email`.")
    message: str
    code: str


class Problem(BaseModel):
    """An RFC 9457 problem details object; every 4xx and 5xx answer has this shape."""

    type: str = Field(default="about:blank", description="A URI naming the kind of problem.")
    title: str = Field(description="A short, human-readable summary of the kind of problem.")
    status: int
    detail: str = Field(description="What went wrong in this request, in plain words.")
    code: str = Field(description="A stable machine-readable code, e.g. `invalid_credentials`.")
    errors: list[FieldProblem] = Field(default_factory=list)


class DomainError(Exception):
    """A refusal the client can act on. Subclasses set ``status``, ``code`` and ``title``."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    title: ClassVar[str] = "Bad request"
    # True for refusals whose own bookkeeping must be committed (a failed sign-in counts
    # towards throttling even though the request is refused).
    keeps_changes: ClassVar[bool] = False

    def __init__(
        self,
        detail: str,
        *,
        errors: list[FieldProblem] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}


class NotAuthenticated(DomainError):
    status, code, title = 401, "not_authenticated", "Not signed in"


class PermissionDenied(DomainError):
    status, code, title = 403, "permission_denied", "Not allowed"


class NotFound(DomainError):
    status, code, title = 404, "not_found", "Not found"


class Conflict(DomainError):
    status, code, title = 409, "conflict", "Conflict"


class InvalidInput(DomainError):
    status, code, title = 422, "invalid_input", "Invalid input"


class TooManyRequests(DomainError):
    status, code, title = 429, "too_many_requests", "Too many requests"


class ServiceUnavailable(DomainError):
    """The database could not be reached or dropped the connection. The request's
    transaction almost surely did not commit (only a connection lost during COMMIT itself
    leaves it in doubt), so the client sends the same request again: votes are idempotent,
    and posts carry an ``Idempotency-Key`` that makes a retry return the first result."""

    status, code, title = 503, "service_unavailable", "Service unavailable"


# Long enough for a PostgreSQL restart or failover; short enough that nobody gives up.
RETRY_AFTER_SECONDS = 5


def problem_response(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(
        problem.model_dump(mode="json"),
        status_code=problem.status,
        media_type=PROBLEM_MEDIA_TYPE,
        headers=headers,
    )


def problem_responses(*errors: type[DomainError]) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry that documents which problems a route can answer."""
    by_status: dict[int, list[type[DomainError]]] = {}
    # Every route may meet bad input, and every route needs the database.
    documented: tuple[type[DomainError], ...] = (*errors, InvalidInput, ServiceUnavailable)
    for error in documented:
        by_status.setdefault(error.status, []).append(error)
    return {
        status: {
            "model": Problem,
            "description": "; ".join(sorted({f"`{e.code}`: {e.title}" for e in errs})),
            "content": {PROBLEM_MEDIA_TYPE: {}},
        }
        for status, errs in sorted(by_status.items())
    }


def _field_path(location: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in location)


async def _domain_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, DomainError)
    problem = Problem(
        title=exc.title, status=exc.status, detail=exc.detail, code=exc.code, errors=exc.errors
    )
    return problem_response(problem, exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    errors = [
        FieldProblem(
            field=_field_path(error.get("loc", ())),
            # Messages only: pydantic's ``input`` echo could carry a password back.
            message=str(error.get("msg", "invalid value")),
            code=str(error.get("type", "invalid")),
        )
        for error in jsonable_encoder(exc.errors())
    ]
    summary = "; ".join(f"{e.field}: {e.message}" for e in errors[:5])
    problem = Problem(
        title="Invalid input",
        status=422,
        detail=f"The request was not valid: {summary}" if summary else "The request was not valid",
        code="invalid_input",
        errors=errors,
    )
    return problem_response(problem)


_HTTP_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "permission_denied",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    413: "payload_too_large",
    415: "unsupported_media_type",
}


async def _http_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if exc.status_code == 400:
        # FastAPI's answer to a body it could not parse at all (bytes that are not UTF-8):
        # the same 422 as malformed JSON, which every route documents.
        return problem_response(
            Problem(
                title="Invalid input",
                status=422,
                detail="The request body could not be read: send JSON encoded as UTF-8.",
                code="invalid_input",
            )
        )
    title = {404: "Not found", 405: "Method not allowed"}.get(exc.status_code, "Request refused")
    problem = Problem(
        title=title,
        status=exc.status_code,
        detail=str(exc.detail),
        code=_HTTP_CODES.get(exc.status_code, "http_error"),
    )
    return problem_response(problem, dict(exc.headers or {}))


# What a database error may say about itself without quoting data: which rule it broke.
_SAFE_ERROR_FIELDS = ("sqlstate", "constraint_name", "table_name", "column_name", "code")


def describe_unexpected(exc: BaseException) -> str:
    """An exception for the log: the type, the where (stack frames and source lines) and,
    for database errors, the SQLSTATE and the constraint, table or column it concerns — but
    never an exception's message. Messages carry data: PostgreSQL's ``DETAIL: Key
    (author_pseudonym)=(…) already exists`` would put a pseudonym or an account id in the
    log, and logs are read by people who must not learn who wrote what."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kind = type(current)
        facts = [
            f"{name}={value}"
            for name in _SAFE_ERROR_FIELDS
            if isinstance(value := getattr(current, name, None), str) and value
        ]
        frames = traceback.extract_tb(current.__traceback__)
        parts.append(
            f"{kind.__module__}.{kind.__qualname__}"
            + (f" ({', '.join(facts)})" if facts else "")
            + ("\n" + "".join(frames.format()).rstrip() if frames else "")
        )
        current = current.__cause__ or (
            None if current.__suppress_context__ else current.__context__
        )
    return "\ncaused by ".join(parts)


# SQLSTATEs that say the connection is gone or cannot be had now, not that the statement was
# wrong: class 08 (connection exceptions; 08P01 is a protocol bug, so not), 57P01-57P03
# (terminated by an administrator, a crash, or the server is starting or stopping), 53300
# (too many connections).
_UNAVAILABLE_SQLSTATES = ("57P01", "57P02", "57P03", "53300")


def _chain(exc: BaseException) -> list[BaseException]:
    found: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and all(current is not seen for seen in found):
        found.append(current)
        current = current.__cause__ or current.__context__
    return found


def is_database_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` (or what caused it) means the database is unreachable or dropped
    the connection, rather than that the code or the data is wrong.

    Covers what asyncpg raises directly (statements run on the driver, ``core/prepared.py``)
    and what SQLAlchemy wraps: a refused or reset socket while connecting, a connection the
    server closed mid-statement (``ConnectionDoesNotExistError``), ``connection is closed``
    on a connection that died in the pool, the SQLSTATEs above, SQLAlchemy's
    ``connection_invalidated`` flag, and a pool that could not hand out a connection in
    time."""
    for error in _chain(exc):
        if isinstance(error, ConnectionError | PoolTimeout):
            return True
        if isinstance(error, DBAPIError) and error.connection_invalidated:
            return True
        sqlstate = getattr(error, "sqlstate", None)
        if isinstance(sqlstate, str) and (
            (sqlstate.startswith("08") and sqlstate != "08P01")
            or sqlstate in _UNAVAILABLE_SQLSTATES
        ):
            return True
        if isinstance(error, asyncpg.InterfaceError) and "connection is closed" in str(error):
            return True
    return False


def unexpected_error_response(exc: BaseException) -> JSONResponse:
    """Log an exception the code did not expect (without its message) and answer a bare 500
    — or, when the database is unavailable, a 503 problem with ``Retry-After``.

    Called by the outermost middleware (:mod:`candour.core.http`), which swallows the
    exception: Starlette's own handler would re-raise it to the server, whose log line
    quotes the message."""
    if is_database_unavailable(exc):
        # An outage is not a bug: one line, without the stack of every failed request.
        kinds = ", ".join(type(e).__name__ for e in _chain(exc))
        logger.warning("database unavailable, answered 503: %s", kinds)
        unavailable = Problem(
            title=ServiceUnavailable.title,
            status=ServiceUnavailable.status,
            detail="The database is not reachable just now; please send the same request "
            f"again in {RETRY_AFTER_SECONDS} seconds.",
            code=ServiceUnavailable.code,
        )
        return problem_response(unavailable, {"Retry-After": str(RETRY_AFTER_SECONDS)})
    logger.error("unexpected error: %s", describe_unexpected(exc))
    problem = Problem(
        title="Internal error",
        status=500,
        detail="Something went wrong on our side. Nothing was saved; please try again.",
        code="internal_error",
    )
    return problem_response(problem)


async def _unexpected_error(_: Request, exc: Exception) -> JSONResponse:
    return unexpected_error_response(exc)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(DomainError, _domain_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(Exception, _unexpected_error)
