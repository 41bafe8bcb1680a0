"""Canonical business object tests."""
