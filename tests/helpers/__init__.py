"""Helpers and tables that several test modules share. Test modules import from here (or from a
conftest), never from one another: tests/test_test_layout.py checks it."""
