"""Privacy rules: how long a requested erasure may wait, and what can refuse it."""
