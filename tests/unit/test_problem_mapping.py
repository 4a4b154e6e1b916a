"""Every domain error has its own HTTP status: a new error class cannot silently become a 400."""

from __future__ import annotations

import gc
import importlib
import pkgutil

import aluzio
from aluzio.domain.errors import DomainError
from aluzio.entrypoints.http.problems import DOMAIN_STATUS


def _all_domain_errors() -> set[type[DomainError]]:
    for module in pkgutil.walk_packages(aluzio.__path__, "aluzio."):
        if ".migrations" not in module.name and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found: set[type[DomainError]] = set()
    pending = [DomainError]
    while pending:
        for subclass in pending.pop().__subclasses__():
            found.add(subclass)
            pending.append(subclass)
    return found


def _unmapped(errors: set[type[DomainError]]) -> list[str]:
    return sorted(
        f"{error.__module__}.{error.__qualname__}"
        for error in errors
        if not any(issubclass(error, kind) for kind, _ in DOMAIN_STATUS)
    )


def test_every_domain_error_is_mapped_to_a_status() -> None:
    errors = _all_domain_errors()
    assert errors, "no domain errors found"
    assert not _unmapped(errors), f"add these to DOMAIN_STATUS in problems.py: {_unmapped(errors)}"


def test_an_error_straight_under_domain_error_is_reported() -> None:
    class Unmapped(DomainError):
        code = "unmapped"

    try:
        assert _unmapped(_all_domain_errors()) == [f"{__name__}.{Unmapped.__qualname__}"]
    finally:
        # Forget the class, so the other tests in this process do not find it.
        del Unmapped
        gc.collect()


def test_every_domain_error_has_its_own_problem_code() -> None:
    for error in _all_domain_errors():
        assert error.code != DomainError.code, error
