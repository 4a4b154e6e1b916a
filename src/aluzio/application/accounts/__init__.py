"""Account use cases: registration, sign-in, sessions, email verification, reset, profile."""
