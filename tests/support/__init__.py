"""Builders of small regions and tender files shared by the tests (no tests here)."""
