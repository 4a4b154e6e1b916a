"""Retros: one facilitated session held on a board, its phases, cards and topics."""
