"""Announcements: texts generated from the schedule per language (and, later, their audio)."""
