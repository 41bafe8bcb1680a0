"""FHIR search parameters become Odoo domains; anything unsupported is a clear 400."""

from __future__ import annotations

import pytest

from healthbridge.core.errors import InvalidRequestError
from healthbridge.services.fhir_search import (
    DEFAULT_COUNT,
    MAX_COUNT,
    KeyDomain,
    last_updated_domain,
    parse_search,
)

LOCATIONS = KeyDomain("stock.location", ("barcode", "complete_name"))
PARTNERS = KeyDomain("res.partner", ("ref",))


def _search(resource_type: str, *params: tuple[str, str]):  # type: ignore[no-untyped-def]
    key_domain = PARTNERS if resource_type in ("Organization", "Patient") else LOCATIONS
    return parse_search(resource_type, list(params), name_field="name", key_domain=key_domain)


class TestLastUpdated:
    @pytest.mark.parametrize(
        ("value", "domain"),
        [
            (
                "2026-11-24",
                [
                    ("write_date", ">=", "2026-11-24 00:00:00"),
                    ("write_date", "<", "2026-11-25 00:00:00"),
                ],
            ),
            (
                "eq2026-11-24",
                [
                    ("write_date", ">=", "2026-11-24 00:00:00"),
                    ("write_date", "<", "2026-11-25 00:00:00"),
                ],
            ),
            ("ge2026-11-24", [("write_date", ">=", "2026-11-24 00:00:00")]),
            ("gt2026-11-24", [("write_date", ">=", "2026-11-25 00:00:00")]),
            ("lt2026-11-24", [("write_date", "<", "2026-11-24 00:00:00")]),
            ("le2026-11-24", [("write_date", "<", "2026-11-25 00:00:00")]),
        ],
    )
    def test_each_prefix_bounds_write_date_by_the_whole_day_a_date_names(self, value, domain):
        assert last_updated_domain(value) == domain

    @pytest.mark.parametrize(
        ("value", "first", "after"),
        [
            ("2026", "2026-01-01 00:00:00", "2027-01-01 00:00:00"),
            ("2026-02", "2026-02-01 00:00:00", "2026-03-01 00:00:00"),
            ("2026-12", "2026-12-01 00:00:00", "2027-01-01 00:00:00"),
            ("2024-02-29", "2024-02-29 00:00:00", "2024-03-01 00:00:00"),
            ("2026-11-24T10:15Z", "2026-11-24 10:15:00", "2026-11-24 10:16:00"),
            ("2026-11-24T10:15:30Z", "2026-11-24 10:15:30", "2026-11-24 10:15:31"),
            ("2026-11-24T10:15:30.250Z", "2026-11-24 10:15:30", "2026-11-24 10:15:31"),
            ("2026-11-24T12:15:30+02:00", "2026-11-24 10:15:30", "2026-11-24 10:15:31"),
        ],
    )
    def test_a_value_means_the_whole_period_its_precision_names_in_utc(self, value, first, after):
        assert last_updated_domain(value) == [
            ("write_date", ">=", first),
            ("write_date", "<", after),
        ]

    @pytest.mark.parametrize("prefix", ["ne", "sa", "eb", "ap"])
    def test_the_prefixes_that_are_not_served_are_refused_by_name(self, prefix):
        with pytest.raises(InvalidRequestError, match="eq, gt, ge, lt and le"):
            last_updated_domain(f"{prefix}2026-11-24")

    @pytest.mark.parametrize(
        "value",
        [
            "yesterday",
            "2026-13",
            "2026-11-31",
            "26-11-24",
            "ge",
            "",
            "2026-11-24T25:00Z",
            "ge2026-1x",
        ],
    )
    def test_a_value_that_is_not_a_fhir_date_is_refused(self, value):
        with pytest.raises(InvalidRequestError, match="FHIR date or dateTime"):
            last_updated_domain(value)

    def test_a_time_without_a_zone_is_refused_because_it_names_no_instant(self):
        with pytest.raises(InvalidRequestError, match="time zone"):
            last_updated_domain("2026-11-24T10:15:30")


class TestParseSearch:
    def test_no_parameters_is_every_record_on_the_first_default_page(self):
        parsed = _search("Location")

        assert (list(parsed.domain), parsed.count, parsed.offset) == ([], DEFAULT_COUNT, 0)

    def test_count_and_offset_page_the_results_and_count_is_capped(self):
        assert _search("Location", ("_count", "5"), ("_offset", "40")).count == 5
        assert _search("Location", ("_offset", "40")).offset == 40
        assert _search("Location", ("_count", "100000")).count == MAX_COUNT

    @pytest.mark.parametrize("name", ["_count", "_offset"])
    @pytest.mark.parametrize("value", ["-1", "ten", "", "1.5"])
    def test_a_count_or_offset_that_is_not_a_non_negative_integer_is_refused(self, name, value):
        with pytest.raises(InvalidRequestError, match=f"{name} must be a non-negative integer"):
            _search("Location", (name, value))

    def test_id_takes_comma_separated_logical_ids(self):
        assert list(_search("Location", ("_id", "3, 5")).domain) == [("id", "in", [3, 5])]

    @pytest.mark.parametrize("value", ["abc", "3,x", "", "-1"])
    def test_an_id_that_is_not_a_logical_id_is_refused(self, value):
        with pytest.raises(InvalidRequestError, match="_id"):
            _search("Location", ("_id", value))

    def test_name_is_a_case_insensitive_contains_on_the_models_name_field(self):
        assert list(_search("Organization", ("name", "north")).domain) == [
            ("name", "ilike", "north")
        ]

    def test_an_identifier_with_a_system_searches_the_field_that_system_names(self):
        system = "urn:healthbridge:odoo-field:stock.location:barcode"
        assert list(_search("Location", ("identifier", f"{system}|WH-STOCK")).domain) == [
            ("barcode", "=", "WH-STOCK")
        ]

    def test_an_odoo_record_identifier_searches_by_id(self):
        system = "urn:healthbridge:odoo:stock.location"
        assert list(_search("Location", ("identifier", f"{system}|12")).domain) == [("id", "=", 12)]

    def test_an_identifier_without_a_system_searches_every_key_field(self):
        assert list(_search("Location", ("identifier", "WH-STOCK")).domain) == [
            "|",
            ("barcode", "=", "WH-STOCK"),
            ("complete_name", "=", "WH-STOCK"),
        ]

    def test_several_identifiers_are_alternatives(self):
        domain = list(_search("Organization", ("identifier", "A,B")).domain)

        assert domain == ["|", ("ref", "=", "A"), ("ref", "=", "B")]

    def test_parameters_combine_with_and(self):
        domain = list(_search("Patient", ("name", "ann"), ("_lastUpdated", "ge2026-11-24")).domain)

        assert domain == [("name", "ilike", "ann"), ("write_date", ">=", "2026-11-24 00:00:00")]

    def test_format_and_pretty_are_accepted_and_ignored(self):
        parsed = _search("Patient", ("_format", "json"), ("_pretty", "true"))

        assert list(parsed.domain) == []

    def test_an_unsupported_parameter_is_refused_with_the_supported_list(self):
        with pytest.raises(InvalidRequestError) as raised:
            _search("Invoice", ("name", "x"))

        assert "'name'" in str(raised.value)
        assert raised.value.details["supported"] == [
            "_count",
            "_id",
            "_lastUpdated",
            "_offset",
            "identifier",
        ]

    def test_a_bad_last_updated_inside_a_search_is_refused(self):
        with pytest.raises(InvalidRequestError, match="_lastUpdated"):
            _search("Practitioner", ("_lastUpdated", "soon"))

    def test_an_identifier_matching_several_key_fields_still_combines_with_other_parameters(self):
        domain = list(_search("Location", ("identifier", "A,B"), ("name", "stock")).domain)

        assert domain == [
            "|",
            "|",
            ("barcode", "=", "A"),
            ("complete_name", "=", "A"),
            "|",
            ("barcode", "=", "B"),
            ("complete_name", "=", "B"),
            ("name", "ilike", "stock"),
        ]
