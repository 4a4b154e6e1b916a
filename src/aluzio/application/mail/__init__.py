"""Use cases of the mail path: delivering the outbox, its retention, a test message."""
