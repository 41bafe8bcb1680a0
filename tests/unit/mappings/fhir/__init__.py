"""Canonical <-> FHIR R4 mapping tests."""
