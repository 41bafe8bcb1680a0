"""Tests of the mapping layer."""
