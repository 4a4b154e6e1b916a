"""Adapters: implementations of the application's ports (Postgres, SMTP, Argon2, ...)."""
