"""The privacy policy's version, for the frontend to show and compare."""

from __future__ import annotations

from datetime import date

from litestar import Controller, get
from litestar.di import NamedDependency

from aluzio.application.privacy.context import PrivacyContext
from aluzio.application.privacy.policy import current_policy
from aluzio.entrypoints.http.schema import WireStruct

Privacy = NamedDependency[PrivacyContext]


class PolicyBody(WireStruct):
    version: str
    last_updated: date


class PolicyController(Controller):
    path = "/api/policy"
    tags = ["privacy"]  # noqa: RUF012  (Litestar declares it as an instance attribute)

    @get(operation_id="getPolicy", summary="The privacy policy in force: version and date.")
    async def policy(self, privacy: Privacy) -> PolicyBody:
        policy = current_policy(privacy)
        return PolicyBody(version=policy.version, last_updated=policy.last_updated)
