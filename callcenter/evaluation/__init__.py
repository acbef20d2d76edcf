"""Pilot evaluation and metrics: data in, data out (see model.py for the contract)."""
