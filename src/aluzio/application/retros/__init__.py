"""Retro use cases: retros and their phases, participants, cards and topics."""
