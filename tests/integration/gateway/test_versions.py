"""Deprecated API versions announce their sunset and answer 410 after it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from tests.integration.gateway.conftest import bearer

DEPRECATED_AT = datetime(2026, 1, 1, tzinfo=UTC)
FUTURE_SUNSET = datetime.now(UTC).replace(microsecond=0) + timedelta(days=90)


@pytest.fixture
def gateway_options():
    return {
        "deprecations": [
            {
                "path_prefix": "/api/v1",
                "deprecated_at": DEPRECATED_AT.isoformat(),
                "sunset": FUTURE_SUNSET.isoformat(),
                "successor": "/api/v2",
            },
            {
                "path_prefix": "/fhir/R4/Patient",
                "deprecated_at": DEPRECATED_AT.isoformat(),
                "sunset": "2026-06-30T00:00:00+00:00",
            },
        ]
    }


async def test_a_deprecated_version_answers_with_deprecation_sunset_and_successor(http, token):
    answer = await http.get("/api/v1/things/a", headers=bearer(token))

    assert answer.status_code == 200
    assert answer.headers["deprecation"] == f"@{int(DEPRECATED_AT.timestamp())}"
    assert parsedate_to_datetime(answer.headers["sunset"]) == FUTURE_SUNSET
    assert answer.headers["sunset"].endswith("GMT")
    assert answer.headers["link"] == '</api/v2>; rel="successor-version"'


async def test_its_successor_answers_without_deprecation_headers(http, token):
    answer = await http.get("/api/v2/things/a", headers=bearer(token))

    assert answer.status_code == 200
    assert "deprecation" not in answer.headers
    assert "sunset" not in answer.headers


async def test_after_the_sunset_the_routes_answer_410(http, token):
    answer = await http.get("/fhir/R4/Patient/1", headers=bearer(token))

    assert answer.status_code == 410
    assert answer.headers["content-type"] == "application/fhir+json"
    assert answer.json()["issue"][0]["code"] == "deleted"
    assert "sunset" in answer.headers


async def test_a_prefix_matches_whole_segments_only(http, token):
    answer = await http.get("/fhir/R4/PatientX", headers=bearer(token))

    assert answer.status_code != 410
