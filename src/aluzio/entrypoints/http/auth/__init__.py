"""Sign-in over HTTP: the ``_aluzio_key`` cookie, CSRF and Origin checks, account routes."""
