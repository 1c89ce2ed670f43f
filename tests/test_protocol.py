"""Pure request building and response deciphering: no sockets."""

import pytest

from workato_connectors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ServerError,
    external_id,
)
from workato_connectors._protocol import (
    error_from_response,
    input_schema_request,
    list_connectors_request,
    page_request,
    resolve_base_url,
)


@pytest.mark.parametrize(
    ("data_center", "host"),
    [
        ("us", "https://www.workato.com"),
        ("EU", "https://app.eu.workato.com"),
        ("jp", "https://app.jp.workato.com"),
        ("sg", "https://app.sg.workato.com"),
        ("au", "https://app.au.workato.com"),
        ("il", "https://app.il.workato.com"),
        ("Trial", "https://app.trial.workato.com"),
    ],
)
def test_every_data_center_resolves_case_insensitively(data_center, host):
    assert resolve_base_url(None, data_center) == host


def test_unknown_data_center_lists_the_valid_ones():
    with pytest.raises(ConfigurationError, match="us, eu, jp, sg, au, il, trial"):
        resolve_base_url(None, "mars")


def test_base_url_wins_and_loses_its_trailing_slash():
    assert resolve_base_url("https://workato.example.com/", "mars") == "https://workato.example.com"


@pytest.mark.parametrize(
    "url", ["www.workato.com", "ftp://x.com", "https://", "https://u:p@x.com", "http://x.com/?a=1"]
)
def test_malformed_base_url_is_a_configuration_error(url):
    with pytest.raises(ConfigurationError, match="base_url"):
        resolve_base_url(url, "us")


def test_applications_are_sent_as_one_query_parameter():
    request = list_connectors_request(["google_drive", "service_now"])
    assert (request.method, request.path) == ("GET", "/api/integrations")
    assert request.params == (("applications", "google_drive,service_now"),)


def test_applications_accept_one_comma_separated_string():
    assert list_connectors_request("google_drive, service_now").params == (
        ("applications", "google_drive,service_now"),
    )


@pytest.mark.parametrize(
    "applications",
    [[], "", ["ok", ""], ["a,b"], ["has space"], ["a/b"], [".."], ["."], "a,,b", [None]],
)
def test_bad_application_lists_raise_value_error_before_any_request(applications):
    with pytest.raises(ValueError, match="(application|connector)"):
        list_connectors_request(applications)


def test_page_request_carries_page_and_per_page():
    assert page_request(3, 25).params == (("page", "3"), ("per_page", "25"))
    assert page_request().params == (("page", "1"), ("per_page", "100"))


@pytest.mark.parametrize(
    ("page", "per_page"), [(0, 10), (-1, 10), (1, 0), (1, 101), (1.5, 10), (True, 10), (1, "5")]
)
def test_page_and_per_page_out_of_range_raise_value_error(page, per_page):
    with pytest.raises(
        ValueError, match=r"(page must be an int >= 1|per_page must be an int 1\.\.100)"
    ):
        page_request(page, per_page)


@pytest.mark.parametrize(
    ("user", "expected"),
    [
        (97, "97"),
        ("EA2300", "EA2300"),
        ("E a/b?c#d%e", "E%20a%2Fb%3Fc%23d%25e"),
        ("E..", "E.."),
        ("Eü", "E%C3%BC"),
    ],
)
def test_managed_user_id_is_exactly_one_path_segment(user, expected):
    path = input_schema_request(user, "jms").path
    assert path == f"/api/v2/managed_users/{expected}/connectors/jms/input_schema"
    assert path.count("/") == 7


@pytest.mark.parametrize("user", ["", ".", "..", None, 1.5, True])
def test_bad_managed_user_id_raises_value_error(user):
    with pytest.raises(ValueError, match="managed_user_id"):
        input_schema_request(user, "jms")


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "a b", "a,b", None, "x\n"])
def test_bad_connector_name_raises_value_error(name):
    with pytest.raises(ValueError, match="connector name"):
        input_schema_request(97, name)


def test_connector_name_with_unicode_and_percent_is_encoded():
    assert input_schema_request(1, "ü%?#").path.endswith("/connectors/%C3%BC%25%3F%23/input_schema")


def test_external_id_prefixes_e_without_encoding():
    assert external_id("A2300") == "EA2300"
    assert external_id("a/b") == "Ea/b"
    with pytest.raises(ValueError, match="External ID"):
        external_id("")


def _error(status, body=b"", headers=None, reason="Reason"):
    return error_from_response(
        status=status,
        reason=reason,
        body=body,
        headers=headers or {},
        method="GET",
        url="https://www.workato.com/api/integrations/all?page=1",
    )


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (429, RateLimitError),
        (500, ServerError),
        (502, ServerError),
        (599, ServerError),
        (409, APIStatusError),
        (422, APIStatusError),
    ],
)
def test_status_maps_to_its_exception_class(status, cls):
    error = _error(status, b'{"message": "nope"}')
    assert type(error) is cls
    assert error.status == status and error.message == "nope"
    assert error.method == "GET" and error.url.endswith("page=1")


def test_500_body_id_becomes_request_id():
    error = _error(500, b'{"message": "Server error", "id": "3f2a"}')
    assert error.request_id == "3f2a"
    assert "3f2a" in str(error)


def test_request_id_header_is_used_when_body_has_none():
    assert _error(503, b"", {"X-Request-Id": "abc"}).request_id == "abc"


def test_error_key_is_used_when_message_is_missing():
    assert _error(401, b'{"error": "Invalid token"}').message == "Invalid token"


def test_validation_errors_are_kept_in_body_and_message():
    error = _error(400, b'{"errors": {"per_page": ["is invalid"]}}', reason="Bad Request")
    assert error.body == {"errors": {"per_page": ["is invalid"]}}
    assert "per_page" in error.message


def test_html_proxy_page_gives_status_line_and_snippet():
    body = b"<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
    error = _error(502, body, reason="Bad Gateway")
    assert isinstance(error, ServerError)
    assert error.message.startswith("502 Bad Gateway: <html>")
    assert error.body == body.decode()


def test_empty_error_body_gives_the_status_line():
    error = _error(503, b"", reason="Service Unavailable")
    assert error.message == "503 Service Unavailable"
    assert error.body == ""


def test_rate_limit_error_carries_retry_after_seconds():
    error = _error(429, b'{"message": "Too many"}', {"Retry-After": "7"})
    assert isinstance(error, RateLimitError)
    assert error.retry_after == 7.0
    assert _error(429).retry_after is None  # type: ignore[attr-defined]
