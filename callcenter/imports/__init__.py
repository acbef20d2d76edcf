"""Imports of what a PBX or a person recorded before (or beside) the live call logging.

Each importer parses and validates the whole file first and only then writes, in one
transaction: a file is imported completely or not at all. Importing it again changes
nothing (duplicates are recognised by the PBX's ids or by file name and line).
"""
