"""Entrypoints: the composition root, HTTP controllers, CLI and background runners."""
