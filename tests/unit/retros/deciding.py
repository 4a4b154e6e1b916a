"""A retro with votes, notes and action items, driven only through the domain's functions,
for the rule tests of issue 13's features."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from uuid import UUID, uuid4

from aluzio.domain.retros.action_items import ActionItem, create_action_item
from aluzio.domain.retros.model import Phase, Topic, Viewer
from aluzio.domain.retros.notes import Note, add_note
from aluzio.domain.retros.settings import RetroSettings
from aluzio.domain.retros.visibility import RetroView, retro_view
from aluzio.domain.retros.votes import Vote, cast_vote, withdraw_vote
from tests.unit.retros.builders import RetroWorld, new_world

NAMES = ("Ada Author", "Pat Participant", "Fay Facilitator", "Alan Admin", "Olga Owner")


@dataclass
class DecidingWorld:
    world: RetroWorld
    votes: list[Vote] = field(default_factory=list)
    notes: list[Note] = field(default_factory=list)
    items: list[ActionItem] = field(default_factory=list)
    carried: list[ActionItem] = field(default_factory=list)

    @property
    def people(self) -> list[Viewer]:
        w = self.world
        return [w.member, w.other, w.facilitator, w.admin, w.owner]

    @property
    def names(self) -> dict[UUID, str]:
        return {p.user_id: name for p, name in zip(self.people, NAMES, strict=True)}

    def topics(self) -> list[Topic]:
        """The topics in the order they were created."""
        return sorted(self.world.topics.values(), key=lambda t: (t.created_at, t.id))

    def vote(self, voter: Viewer, topic: Topic) -> Vote:
        vote = cast_vote(
            self.world.retro,
            topic,
            voter=voter,
            votes=[v for v in self.votes if v.voter_id == voter.user_id],
            vote_id=uuid4(),
            now=self.world.tick(),
        )
        self.votes.append(vote)
        return vote

    def withdraw(self, voter: Viewer, topic: Topic) -> Vote:
        vote = withdraw_vote(
            self.world.retro, topic, voter=voter, votes=self.votes, now=self.world.tick()
        )
        self.votes.remove(vote)
        return vote

    def note(self, author: Viewer, topic: Topic, body: str = "A note") -> Note:
        note = add_note(
            self.world.retro,
            topic,
            author=author,
            body=body,
            note_count=len(self.notes),
            note_id=uuid4(),
            now=self.world.tick(),
        )
        self.notes.append(note)
        return note

    def item(
        self,
        by: Viewer,
        title: str = "Fix the deploys",
        *,
        assignee: Viewer | None = None,
        due_on: date | None = None,
        topic: Topic | None = None,
    ) -> ActionItem:
        item = create_action_item(
            self.world.retro,
            by=by,
            title=title,
            assignee_id=None if assignee is None else assignee.user_id,
            due_on=due_on,
            topic=topic,
            item_count=len(self.items),
            item_id=uuid4(),
            now=self.world.tick(),
        )
        self.items.append(item)
        return item

    def view(self, viewer: Viewer) -> RetroView:
        w = self.world
        return retro_view(
            viewer,
            w.retro,
            history=w.history,
            participants=w.participants,
            sections=w.sections,
            topics=list(reversed(w.topics.values())),  # any order: the view sorts
            cards=list(w.cards.values()),
            names=self.names,
            votes=list(reversed(self.votes)),
            notes=list(reversed(self.notes)),
            action_items=list(reversed(self.items)),
            carried_over_action_items=self.carried,
        )


def deciding_world(
    *,
    phase: Phase = Phase.VOTE,
    topics: int = 4,
    anonymous: bool = True,
    vote_budget: int = 5,
    max_votes_per_topic: int = 3,
) -> DecidingWorld:
    """A retro with ``topics`` one-card topics (written by the people in turn), everyone
    joined, walked forward to ``phase``."""
    world = new_world(anonymous=anonymous)
    world.retro.change_settings(
        RetroSettings.parse(
            title="Sprint 12",
            vote_budget=vote_budget,
            max_votes_per_topic=max_votes_per_topic,
            anonymous=anonymous,
        ),
        by=world.facilitator,
        now=world.tick(),
    )
    world.join_everyone()
    world.go_to(Phase.REFLECT)
    deciding = DecidingWorld(world)
    for index in range(topics):
        world.write(deciding.people[index % 5], f"Card {index}", section=index % 3)
    world.go_to(phase)
    return deciding
