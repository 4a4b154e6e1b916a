"""Ports: the small protocols the use cases need from the outside world."""
