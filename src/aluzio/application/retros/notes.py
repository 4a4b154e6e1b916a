"""Write, edit and delete discussion notes. Each answers the note as the caller may see it."""

from __future__ import annotations

from uuid import UUID

from aluzio.application.actor import Actor
from aluzio.application.authorization import require_user
from aluzio.application.retros.access import RetroAccess, require_retro, require_topic
from aluzio.application.retros.context import RetrosContext
from aluzio.application.retros.events import retro_changed
from aluzio.application.retros.ports import RetrosUnitOfWork
from aluzio.domain.retros import notes as rules
from aluzio.domain.retros.errors import NoteNotFound
from aluzio.domain.retros.notes import Note
from aluzio.domain.retros.visibility import NoteView, note_view


async def add_note(ctx: RetrosContext, actor: Actor, topic_id: UUID, body: str) -> NoteView:
    """Any participant notes something about a topic, in discuss."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        access, topic = await require_topic(uow, actor, topic_id)
        note = rules.add_note(
            access.retro,
            topic,
            author=access.viewer,
            body=body,
            note_count=await uow.notes.count(access.retro.id),
            note_id=ctx.new_id(),
            now=now,
        )
        note = await uow.notes.add(note)
        uow.emit(retro_changed(access.retro, "note-added"))
        seen = await _seen(uow, access, note)
        await uow.commit()
    return seen


async def edit_note(ctx: RetrosContext, actor: Actor, note_id: UUID, body: str) -> NoteView:
    """The author rewrites their note while the retro is open."""
    now = ctx.clock.now()
    async with ctx.unit_of_work() as uow:
        access, note = await _require_note(uow, actor, note_id)
        if rules.edit_note(access.retro, note, by=access.viewer, body=body, now=now):
            uow.emit(retro_changed(access.retro, "note-edited"))
        seen = await _seen(uow, access, note)
        await uow.commit()
    return seen


async def delete_note(ctx: RetrosContext, actor: Actor, note_id: UUID) -> None:
    """The author deletes their note while the retro is open."""
    async with ctx.unit_of_work() as uow:
        access, note = await _require_note(uow, actor, note_id)
        rules.delete_note(access.retro, note, by=access.viewer, now=ctx.clock.now())
        await uow.notes.delete(note.id)
        uow.emit(retro_changed(access.retro, "note-deleted"))
        await uow.commit()


async def _require_note(
    uow: RetrosUnitOfWork, actor: Actor, note_id: UUID
) -> tuple[RetroAccess, Note]:
    """The note, read again once its retro is locked, and the actor's access to the retro."""
    require_user(actor)
    note = await uow.notes.find(note_id)
    if note is None:
        raise NoteNotFound()
    access = await require_retro(uow, actor, note.retro_id, change=True, missing=NoteNotFound)
    note = await uow.notes.find(note_id)
    if note is None:
        raise NoteNotFound()
    return access, note


async def _seen(uow: RetrosUnitOfWork, access: RetroAccess, note: Note) -> NoteView:
    anonymous = access.retro.anonymous
    names = {} if anonymous else await uow.people.names({note.author_id})
    return note_view(access.viewer, access.retro, note, names)
