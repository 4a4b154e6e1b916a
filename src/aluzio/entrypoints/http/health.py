from __future__ import annotations

from litestar import Controller, get
from litestar.di import NamedDependency
from litestar.exceptions import ServiceUnavailableException

from aluzio.adapters.postgres.readiness import DatabaseReadiness
from aluzio.entrypoints.http.schema import WireStruct

HEALTH_PATH = "/healthz"
READINESS_PATH = "/readyz"
HEALTH_PATHS = (HEALTH_PATH, READINESS_PATH)


class Health(WireStruct):
    status: str


class HealthController(Controller):
    tags = ["health"]  # noqa: RUF012  (Litestar declares it as an instance attribute)

    @get(HEALTH_PATH, operation_id="health", summary="The process is alive (no I/O).")
    async def health(self) -> Health:
        return Health(status="ok")

    @get(
        READINESS_PATH,
        operation_id="readiness",
        summary="The database answers and its schema is at the latest migration.",
    )
    async def readiness(self, readiness: NamedDependency[DatabaseReadiness]) -> Health:
        problem = await readiness.problem()
        if problem is not None:
            raise ServiceUnavailableException(detail=problem)
        return Health(status="ready")
