"""Export a retro as Markdown, CSV or JSON: the retro as the caller reads it, rendered by
the domain (``domain/retros/export.py``), so an export shows nothing the caller may not
see."""

from __future__ import annotations

from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.retros.access import require_retro
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.reading import get_retro
from aluzio.domain.retros.export import ExportFormat, RetroExport, check_exportable, export_retro


async def export(
    ctx: RetrosContext, actor: Actor, retro_id: UUID, format: ExportFormat
) -> RetroExport:
    """The retro as a file, from discuss on (any member; reading it as for
    ``GET /api/retros/{id}``)."""
    async with ctx.unit_of_work() as uow:
        access = await require_retro(uow, actor, retro_id)
        check_exportable(access.retro.current_phase)
        board = await uow.boards.find(access.retro.board_id)
    view = await get_retro(ctx, actor, retro_id)
    return export_retro(
        view,
        format,
        exported_at=ctx.clock.now(),
        board_name=None if board is None else board.name,
    )
