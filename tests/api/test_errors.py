"""Error bodies as the service, a proxy or a CDN send them become typed, explained errors."""

from __future__ import annotations

import json

from desktop_app.api.errors import (
    BadResponseError,
    GenerationTimeoutError,
    KeyRefusedError,
    NoCreditsError,
    NotFoundError,
    RateLimitedError,
    RequestRejectedError,
    ServerError,
    error_from_response,
    parse_retry_after,
)


def service_body(status: int | str, message: str, request_id: str = "798b41") -> str:
    return json.dumps(
        {
            "message": message,
            "path": "/v2/video/generations",
            "requestId": request_id,
            "statusCode": status,
            "timestamp": "2025-03-11T07:13:27.813Z",
        }
    )


def test_each_status_maps_to_its_class() -> None:
    cases = {
        400: RequestRejectedError,
        401: KeyRefusedError,
        403: NoCreditsError,
        404: NotFoundError,
        422: RequestRejectedError,
        429: RateLimitedError,
        500: ServerError,
        503: ServerError,
        504: GenerationTimeoutError,
    }
    for status, kind in cases.items():
        error = error_from_response(status, service_body(status, "m"), {})
        assert type(error) is kind, status
        assert error.status == status
        assert error.request_id == "798b41"


def test_validation_error_keeps_the_servers_detail_lines() -> None:
    message = (
        "Body validation error\n[duration] Invalid enum value. Expected 5 | 10 | 15, received '7'"
    )
    error = error_from_response(400, service_body("400", message), {})
    assert isinstance(error, RequestRejectedError)
    assert error.detail_lines == (
        "[duration] Invalid enum value. Expected 5 | 10 | 15, received '7'",
    )
    text = error.explain()
    assert "rejected" in text
    assert "received '7'" in text
    assert "Request id: 798b41" in text


def test_plain_text_and_html_bodies() -> None:
    plain = error_from_response(502, "upstream connect error", {})
    assert isinstance(plain, ServerError)
    assert plain.server_message == "upstream connect error"
    html = "<html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>"
    page = error_from_response(502, html, {"x-request-id": "abc"})
    assert page.server_message == "502 Bad Gateway"
    assert page.request_id == "abc"
    maintenance = error_from_response(
        503, "The model is under maintenance. Your Request ID is 5f2c-77", {}
    )
    assert maintenance.request_id == "5f2c-77"


def test_retry_after_in_seconds_and_as_http_date() -> None:
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:30 GMT", now=1445412500.0) == 10.0
    assert parse_retry_after("soon") is None
    error = error_from_response(429, service_body(429, "Too Many Requests"), {"retry-after": "3"})
    assert isinstance(error, RateLimitedError)
    assert error.retry_after == 3.0
    assert "wait 3 s" in error.explain()


def test_unexpected_status_is_a_bad_response() -> None:
    assert isinstance(error_from_response(302, "", {}), BadResponseError)
