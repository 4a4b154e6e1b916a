"""Aluzio: the backend of a team retrospective platform."""
