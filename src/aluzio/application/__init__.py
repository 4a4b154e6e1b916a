"""Use cases: each tells the story of one action, through ports defined here."""
