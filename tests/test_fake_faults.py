"""FakeWorkato's pure parts: the rate-limit window, fault state and request parsing."""

from __future__ import annotations

import msgspec
import pytest

from workato_connectors import Connector
from workato_connectors.testing import FakeWorkato
from workato_connectors.testing._endpoints import (
    NameIndex,
    Rejection,
    is_managed_user,
    match_schema_path,
    parse_applications,
    parse_page_query,
)
from workato_connectors.testing._faults import (
    Failure,
    FaultPlan,
    SlidingWindow,
    error_body,
    format_retry_after,
    html_page,
    retry_after_header,
    truncate,
)

# -- sliding window -------------------------------------------------------------------------


def test_the_window_accepts_the_budget_then_says_when_the_oldest_leaves():
    window = SlidingWindow(3, 1.0)
    assert [window.admit(t) for t in (10.0, 10.2, 10.5)] == [None, None, None]
    assert window.admit(10.6) == pytest.approx(0.4)
    assert window.admit(10.9) == pytest.approx(0.1)


def test_rejected_requests_do_not_consume_the_window():
    window = SlidingWindow(1, 1.0)
    assert window.admit(0.0) is None
    for t in (0.1, 0.5, 0.9, 0.99):
        assert window.admit(t) is not None
    assert window.admit(1.0) is None  # exactly one period after the only accepted request


def test_the_window_slides_rather_than_resetting_on_fixed_boundaries():
    window = SlidingWindow(2, 1.0)
    assert window.admit(0.9) is None and window.admit(0.95) is None
    assert window.admit(1.05) == pytest.approx(0.85)  # a fixed window would have reset at 1.0
    assert window.admit(1.91) is None


def test_clearing_the_window_forgets_accepted_requests():
    window = SlidingWindow(1, 60.0)
    window.admit(0.0)
    window.clear()
    assert window.admit(0.1) is None


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (0.347, "0.347"),
        (0.3461, "0.347"),
        (0.0000001, "0.001"),
        (59.9999, "60.000"),
        (2.0, "2.000"),
    ],
)
def test_retry_after_is_rounded_up_to_milliseconds(seconds, text):
    assert format_retry_after(seconds) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3, "3"),
        (1.5, "1.5"),
        (0.0001, "0"),
        ("Wed, 21 Oct 2015 07:28:00 GMT", "Wed, 21 Oct 2015 07:28:00 GMT"),
    ],
)
def test_an_injected_retry_after_is_sent_as_given(value, text):
    assert retry_after_header(value) == text


@pytest.mark.parametrize("bad", [-1, float("inf"), "", "1\r\nX-Evil: 1", True])
def test_a_bad_injected_retry_after_is_a_value_error(bad):
    with pytest.raises(ValueError, match="retry_after must be"):
        retry_after_header(bad)


# -- fault state ----------------------------------------------------------------------------


def test_nothing_armed_means_no_fault():
    assert FaultPlan().take() is None


def test_each_request_consumes_one_unit_of_every_armed_counter():
    plan = FaultPlan()
    plan.fail_next(1, Failure(503))
    plan.malformed_next(2)
    plan.stall_next(1, 0.5)
    first, second, third = plan.take(), plan.take(), plan.take()
    assert first is not None and first.failure == Failure(503) and first.stall == 0.5
    assert second is not None and second.malformed and second.failure is None
    assert second.stall == 0.0
    assert third is None


def test_batches_of_one_knob_run_in_the_order_armed_and_clear_disarms():
    plan = FaultPlan()
    plan.fail_next(2, Failure(503))
    plan.fail_next(1, Failure(429, retry_after="1"))
    plan.fail_next(0, Failure(500))
    statuses = [
        fault.failure.status
        for fault in (plan.take(), plan.take(), plan.take())
        if fault and fault.failure
    ]
    assert statuses == [503, 503, 429]
    plan.drop_next(5)
    plan.clear()
    assert plan.take() is None


def test_error_bodies_follow_workatos_shape():
    assert msgspec.json.decode(error_body(503)) == {"message": "Service Unavailable"}
    assert msgspec.json.decode(error_body(429)) == {"message": "Too many requests"}
    assert set(msgspec.json.decode(error_body(500))) == {"message", "id"}
    assert b"<title>504 Gateway Timeout</title>" in html_page(504)
    assert b"599 Error" in html_page(599)


@pytest.mark.parametrize("body", [b"{}", b"[]", b'{"items":[{"name":"a"}],"count":1}', b"x"])
def test_a_truncated_body_never_parses(body):
    with pytest.raises(msgspec.DecodeError):
        msgspec.json.decode(truncate(body))


# -- request parsing ------------------------------------------------------------------------


def test_page_query_defaults_caps_and_rejects():
    assert parse_page_query({}, 100) == (1, 1)
    assert parse_page_query({"page": "3", "per_page": "500"}, 100) == (3, 100)
    assert parse_page_query({"per_page": "50"}, 20) == (1, 20)
    rejection = parse_page_query({"page": "0", "per_page": "x"}, 100)
    assert isinstance(rejection, Rejection) and set(rejection.errors) == {"page", "per_page"}


def test_applications_come_from_the_query_first_then_the_body():
    assert parse_applications("a, b,,a", b'{"applications": "c"}') == ["a", "b"]
    assert parse_applications(None, b'{"applications": "c,d"}') == ["c", "d"]
    assert parse_applications("", b'{"applications": ["e"]}') == ["e"]
    assert isinstance(parse_applications(None, b""), Rejection)
    assert isinstance(parse_applications(None, b'{"applications": 3}'), Rejection)


def test_schema_paths_are_split_before_decoding():
    path = "/api/v2/managed_users/E%2Fa/connectors/jms/input_schema"
    assert match_schema_path(path) == ("E/a", "jms")
    assert match_schema_path("/api/v2/managed_users/E/a/connectors/jms/input_schema") is None
    assert match_schema_path("/api/v1/managed_users/1/connectors/jms/input_schema") is None


@pytest.mark.parametrize(
    ("user", "exists"),
    [
        ("1", True),
        ("0097", True),
        ("1000000000", True),
        ("1000000001", False),
        ("0", False),
        ("EA2300", True),
        ("E/x", True),
        ("E", False),
        ("A1", False),
        ("", False),
        ("-1", False),
    ],
)
def test_managed_users_are_account_ids_or_external_ids(user, exists):
    assert is_managed_user(user) is exists


def test_the_name_index_follows_a_list_that_changes():
    catalog = [Connector(name="a"), Connector(name="b")]
    index = NameIndex()
    assert index.find(catalog, "b") == catalog[1]
    catalog.insert(0, Connector(name="c"))
    assert index.find(catalog, "b") is catalog[2]
    catalog[2] = Connector(name="d")
    assert index.find(catalog, "b") is None
    assert index.find(catalog, "d") is catalog[2]


# -- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("knob", "args"),
    [
        ("fail_next", (1, 200)),
        ("fail_next", (1, 700)),
        ("fail_next", (-1, 500)),
        ("fail_next", (True, 500)),
        ("stall_next", (1, -0.5)),
        ("stall_next", (1, float("nan"))),
        ("drop_next", (1.5,)),
        ("malformed_next", ("2",)),
        ("set_rate_limit", (0, 1.0)),
        ("set_rate_limit", (5, 0)),
    ],
)
def test_knobs_reject_bad_values_with_value_error(knob, args):
    with pytest.raises(ValueError, match=r"must be"):
        getattr(FakeWorkato(connectors=3), knob)(*args)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"connectors": -1},
        {"connectors": ["jms"]},
        {"connectors": "jms"},
        {"token": ""},
        {"latency": -1},
        {"per_page_cap": 0},
        {"port": 70000},
        {"seed": "1"},
    ],
)
def test_bad_settings_are_a_value_error(kwargs):
    with pytest.raises(ValueError, match=r"must be"):
        FakeWorkato(**kwargs)
