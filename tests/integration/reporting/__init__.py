"""Reporting against real files, a real headless chromium and the real CLI."""
