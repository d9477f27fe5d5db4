"""Shared helpers every app may use (the bottom layer: it imports no project app)."""
