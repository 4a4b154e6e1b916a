"""Refusals that only HTTP has: the browser-facing checks made before any use case runs.

They are not business rules (a job or the CLI never meets them), so they live here rather
than among the domain errors; :mod:`.problems` answers them with problem details.
"""

from __future__ import annotations


class HttpRefusal(Exception):
    status = 400
    code = "bad-request"
    default_message = "The request was refused."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class CsrfRejected(HttpRefusal):
    status = 403
    code = "csrf-rejected"
    default_message = "The request is missing a valid X-CSRF-Token header."


class OriginNotAllowed(HttpRefusal):
    status = 403
    code = "origin-not-allowed"
    default_message = "Requests from this origin are not allowed."
