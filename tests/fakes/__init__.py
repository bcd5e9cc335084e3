"""Test doubles: local servers that speak third-party APIs."""
