"""/healthz and /readyz: the process answers; each dependency is named in the readiness answer, and an unreachable
one (a closed port, a dead Redis) makes it 503."""

from __future__ import annotations

import socket
import time as time_module
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

import pytest
import time_machine
from django.core.cache import caches
from django.test import override_settings
from django.utils import timezone

from zilu.core import deadlines

pytestmark = pytest.mark.django_db

CHECKS = {"database", "cache", "broker", "media", "calendar"}


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _noon(day: date) -> datetime:
    """Noon of ``day`` in Beijing, for moving the clock."""
    return timezone.make_aware(datetime.combine(day, time(12)))


@pytest.fixture
def calendar_covers_two_years() -> Iterator[None]:
    """Extend the holiday calendar through the official supplement mechanism, so that the calendar check is "ok"
    whatever today's date (empty supplements: weekdays only, good enough for the check)."""
    last = deadlines.coverage()[1]
    for year in range(last.year + 1, timezone.localdate().year + 3):
        deadlines.register_supplement(year, {}, {})
    yield
    deadlines.clear_supplements()


def test_healthz_answers_without_database_or_session(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Content-Type"] == "application/json"
    assert "sessionid" not in response.cookies and "csrftoken" not in response.cookies
    assert response["X-Request-ID"]


def test_readyz_is_ok_on_a_working_setup(client, settings, calendar_covers_two_years):
    settings.BROKER_URL = None
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == CHECKS
    for name in ("database", "cache", "media", "calendar"):
        assert body["checks"][name]["status"] == "ok", body
        assert isinstance(body["checks"][name]["ms"], float)
    assert body["checks"]["broker"]["status"] == "skipped"
    assert body["checks"]["broker"]["detail"] == "in-process"
    assert body["checks"]["media"]["free_mb"] > 0
    assert (settings.MEDIA_ROOT).is_dir()  # created, as the first upload would
    assert list(settings.MEDIA_ROOT.iterdir()) == []  # the probe file is gone


def test_readyz_fails_with_retry_after_when_the_broker_is_unreachable(client, settings, calendar_covers_two_years):
    settings.BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"]
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["broker"]["status"] == "fail"
    assert "refused" in body["checks"]["broker"]["detail"].lower()  # 127.0.0.1 is allowed to see details
    assert body["checks"]["database"]["status"] == "ok"


def test_readyz_names_a_reachable_broker_ok(client, settings, calendar_covers_two_years):
    from tests.core.test_tasks import REDIS_URL, _reachable

    if not _reachable(REDIS_URL):
        from tests.conftest import IN_CI

        if IN_CI:
            pytest.fail(f"Redis not reachable in CI: {REDIS_URL}")
        pytest.skip(f"Redis not reachable: {REDIS_URL}")
    settings.BROKER_URL = REDIS_URL
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    assert response.json()["checks"]["broker"]["status"] == "ok"


def test_readyz_fails_when_the_cache_is_unreachable(client, settings, calendar_covers_two_years):
    settings.BROKER_URL = None
    dead_redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{_closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    # Sessions are not touched by the probe, so the request itself does not need the cache.
    with override_settings(CACHES=dead_redis):
        response = client.get("/readyz")
    caches.close_all()
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["cache"]["status"] == "fail"
    assert "ConnectionError" in body["checks"]["cache"]["detail"]
    assert body["checks"]["database"]["status"] == "ok"


def test_readyz_hides_error_details_from_other_clients(client, settings, calendar_covers_two_years):
    settings.BROKER_URL = f"redis://127.0.0.1:{_closed_port()}/0"
    response = client.get("/readyz", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"]["detail"] == "OperationalError"  # the type only, no host or port


def test_readyz_fails_when_the_media_disk_is_nearly_full(client, settings, calendar_covers_two_years):
    settings.BROKER_URL = None
    settings.ZILU_READY_MIN_FREE_MB = 10**12  # more than any disk has
    response = client.get("/readyz")
    assert response.status_code == 503
    media = response.json()["checks"]["media"]
    assert media["status"] == "fail" and "ZILU_READY_MIN_FREE_MB" in media["detail"]


def test_readyz_fails_when_media_root_cannot_be_written(client, settings, tmp_path, calendar_covers_two_years):
    settings.BROKER_URL = None
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("x")
    settings.MEDIA_ROOT = blocker / "media"
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["media"]["status"] == "fail"


def test_calendar_warns_within_sixty_days_of_its_end_and_beyond_it_without_taking_the_site_down(client, settings):
    settings.BROKER_URL = None
    last = deadlines.coverage()[1]
    for day, expected_status, expected_code in (
        (last - timedelta(days=200), "ok", 200),
        (last - timedelta(days=30), "warn", 200),
        (last + timedelta(days=1), "warn", 200),  # deadlines are provisional then; the site keeps serving
    ):
        with time_machine.travel(_noon(day)):
            response = client.get("/readyz")
        calendar = response.json()["checks"]["calendar"]
        assert (calendar["status"], response.status_code) == (expected_status, expected_code), (day, calendar)
        assert calendar["covered_until"] == last.isoformat()
        assert response.json()["status"] == expected_status  # the other checks are ok


def test_a_supplement_for_the_next_year_ends_the_warning(client, settings):
    settings.BROKER_URL = None
    last = deadlines.coverage()[1]
    day = last - timedelta(days=10)
    try:
        with time_machine.travel(_noon(day)):
            assert client.get("/readyz").json()["checks"]["calendar"]["status"] == "warn"
            deadlines.register_supplement(last.year + 1, {}, {})
            calendar = client.get("/readyz").json()["checks"]["calendar"]
    finally:
        deadlines.clear_supplements()
    assert calendar["status"] == "ok"
    assert calendar["covered_until"] == f"{last.year + 1}-12-31"


@override_settings(SECURE_SSL_REDIRECT=True)
def test_probes_are_not_redirected_to_https(client):
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code in (200, 503)
    assert client.get("/metrics").status_code == 200
    assert client.get("/accounts/login/").status_code == 301  # everything else still is


def test_a_hung_dependency_fails_its_check_in_bounded_time(client, settings, monkeypatch, calendar_covers_two_years):
    """A "Redis" that accepts the connection and never answers: the probe still answers, and a second probe does not
    start a second waiting thread."""
    from zilu.core import health

    monkeypatch.setattr(health, "CHECK_TIMEOUT", 1.0)
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        settings.BROKER_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
        started = time_module.monotonic()
        first = client.get("/readyz")
        elapsed = time_module.monotonic() - started
        second = client.get("/readyz")
    assert first.status_code == 503 and elapsed < 5
    assert first.json()["checks"]["broker"] == {"status": "fail", "detail": "no answer within 1 s", "ms": 1000.0}
    assert first.json()["checks"]["database"]["status"] == "ok"
    assert second.json()["checks"]["broker"]["detail"] == "an earlier check is still waiting"
    # Once the listener is gone the hung check ends, and the next probe checks again.
    for _ in range(50):
        if "broker" not in health._running:
            break
        time_module.sleep(0.1)
    assert "broker" not in health._running
