"""Boards: a team's standing space in an organization, with its ordered sections."""
