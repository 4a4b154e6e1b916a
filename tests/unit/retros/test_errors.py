"""The retro refusals carry the problem types the API documents, under the right family."""

from __future__ import annotations

import pytest

from aluzio.domain.errors import Conflict, DomainError, NotFound, PermissionDenied
from aluzio.domain.retros.errors import (
    CardNotFound,
    NotCardAuthor,
    NotFacilitator,
    PhaseNotAllowed,
    RetroCardLimit,
    RetroClosed,
    RetroNotFound,
    TopicNotFound,
)


@pytest.mark.parametrize(
    ("error", "family", "code"),
    [
        (RetroNotFound, NotFound, "retro-not-found"),
        (CardNotFound, NotFound, "card-not-found"),
        (TopicNotFound, NotFound, "topic-not-found"),
        (PhaseNotAllowed, Conflict, "phase-not-allowed"),
        (NotFacilitator, PermissionDenied, "not-facilitator"),
        (RetroClosed, Conflict, "retro-closed"),
        (NotCardAuthor, PermissionDenied, "not-card-author"),
        (RetroCardLimit, Conflict, "retro-card-limit"),
    ],
)
def test_problem_types(error: type[DomainError], family: type[DomainError], code: str) -> None:
    assert issubclass(error, family)
    assert error.code == code
    assert error().message == error.default_message
