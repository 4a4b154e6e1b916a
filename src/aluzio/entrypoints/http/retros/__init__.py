"""Retro, card and topic routes."""
