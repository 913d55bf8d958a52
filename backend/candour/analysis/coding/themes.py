"""Theme suggestions: cluster the shown posts of a conversation (or one section) into
candidate themes (:mod:`clustering`), keep the run, and let analysts accept a suggestion as
a code — its posts pre-coded as ``suggested`` until a person confirms each — or reject it.

Only the text of shown posts is read (published and visible: :func:`text_is_shown` for
anyone but the author), as plain rows, and the clustering runs off the event loop."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, and_, func, insert, literal, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from candour.analysis.coding import clustering
from candour.analysis.coding.changes import add_code
from candour.analysis.coding.errors import (
    SectionNotFound,
    SuggestionDecided,
    SuggestionNotFound,
    TooFewPosts,
)
from candour.analysis.coding.frames import begin_change, code_out, coding_counts, record
from candour.analysis.coding.models import (
    MAX_CODE_NAME,
    SuggestionStatus,
    ThemeSuggestion,
    ThemeSuggestionPost,
    ThemeSuggestionRun,
)
from candour.analysis.coding.schemas import (
    AcceptedSuggestion,
    AcceptSuggestion,
    CodeFields,
    CodeRef,
    FrameChange,
    Quote,
    RejectSuggestion,
    SuggestRequest,
    ThemeRunList,
    ThemeRunOut,
    ThemeSuggestionOut,
)
from candour.contributions.models import Comment, Idea, Moderation, Status, text_is_shown
from candour.conversations import service as conversations
from candour.conversations.models import Section
from candour.identity import Caller
from candour.queue.models import TargetKind

MAX_POSTS = 20_000  # the most recent shown posts, when there are more


def _shown(model: type[Idea] | type[Comment]) -> Any:
    # text_is_shown(status, moderation, mine=False), as SQL.
    return and_(
        model.status == Status.published.value, model.moderation == Moderation.visible.value
    )


def _shown_posts(conversation_id: uuid.UUID, section_id: uuid.UUID | None) -> Select[Any]:
    ideas = select(
        literal("idea").label("kind"),
        Idea.id,
        (Idea.title + "\n" + Idea.body).label("text"),
        Idea.body,
        Idea.created_at,
    ).where(Idea.conversation_id == conversation_id, _shown(Idea))
    comments = (
        select(
            literal("comment").label("kind"),
            Comment.id,
            Comment.body,
            Comment.body,
            Comment.created_at,
        )
        .join(Idea, Idea.id == Comment.idea_id)
        .where(Comment.conversation_id == conversation_id, _shown(Comment))
    )
    if section_id is not None:
        ideas = ideas.where(Idea.section_id == section_id)
        comments = comments.where(Idea.section_id == section_id)
    posts = ideas.union_all(comments).subquery()
    newest = (
        select(posts).order_by(posts.c.created_at.desc(), posts.c.id).limit(MAX_POSTS).subquery()
    )
    # A fixed order, so the same posts give the same themes however they were stored.
    return select(newest.c.kind, newest.c.id, newest.c.text, newest.c.body).order_by(
        newest.c.kind, newest.c.id
    )


async def suggest(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, data: SuggestRequest
) -> ThemeRunOut:
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    if data.section_id is not None:
        section = await session.get(Section, data.section_id)
        if section is None or section.conversation_id != conversation_id:
            raise SectionNotFound("No such section in this conversation.")
    posts = (await session.execute(_shown_posts(conversation_id, data.section_id))).all()
    texts = [p.text for p in posts]
    bodies = [p.body for p in posts]
    if data.themes is not None and len(posts) < 2 * data.themes:
        raise TooFewPosts(
            f"{len(posts)} shown posts cannot make {data.themes} themes: ask for at most "
            f"{max(len(posts) // 2, 1)}."
        )
    try:
        found = await asyncio.to_thread(clustering.suggest_themes, texts, bodies, data.themes)
    except clustering.TooLittleText as refusal:
        raise TooFewPosts(
            f"Themes cannot be suggested from these {len(posts)} shown posts: {refusal}."
        ) from None
    run = ThemeSuggestionRun(
        id=uuid.uuid4(),
        conversation_id=conversation_id,
        section_id=data.section_id,
        requested_by=actor.id,
        themes_requested=data.themes,
        posts_analysed=len(posts),
        parameters={
            "vectoriser": "tf-idf (English stop words, sublinear tf, unit length)",
            "clustering": "k-means",
            "themes": len(found.themes),
            "themes_chosen_by": "request" if data.themes else "cosine silhouette",
            "silhouette": found.silhouette,
            "vocabulary": found.vocabulary,
            "posts_without_words": found.left_out,
            "random_state": clustering.RANDOM_STATE,
            "max_posts": MAX_POSTS,
        },
    )
    session.add(run)
    await session.flush()
    members: list[dict[str, Any]] = []
    for rank, theme in enumerate(found.themes, start=1):
        suggestion = ThemeSuggestion(
            id=uuid.uuid4(),
            run_id=run.id,
            conversation_id=conversation_id,
            rank=rank,
            label=(", ".join(theme.keywords[:3]) or f"Theme {rank}")[:MAX_CODE_NAME],
            keywords=theme.keywords,
            size=len(theme.members),
            status=SuggestionStatus.open.value,
        )
        session.add(suggestion)
        for n, member in enumerate(theme.members):
            post = posts[member.index]
            members.append(
                {
                    "id": uuid.uuid4(),
                    "suggestion_id": suggestion.id,
                    "idea_id": post.id if post.kind == "idea" else None,
                    "comment_id": post.id if post.kind == "comment" else None,
                    "score": member.score,
                    "quote_rank": n + 1 if member.quote else None,
                    "quote_start": member.quote[0] if member.quote else None,
                    "quote_end": member.quote[1] if member.quote else None,
                }
            )
    await session.flush()
    if members:
        await session.execute(insert(ThemeSuggestionPost), members)
    return (await _runs(session, [run]))[0]


async def list_runs(
    session: AsyncSession, caller: Caller, conversation_id: uuid.UUID, *, limit: int
) -> ThemeRunList:
    await conversations.get_conversation(session, caller, conversation_id)
    runs = list(
        await session.scalars(
            select(ThemeSuggestionRun)
            .where(ThemeSuggestionRun.conversation_id == conversation_id)
            .order_by(ThemeSuggestionRun.requested_at.desc(), ThemeSuggestionRun.id)
            .limit(limit)
        )
    )
    return ThemeRunList(runs=await _runs(session, runs))


async def _quotes(
    session: AsyncSession, suggestion_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[Quote]]:
    rows = await session.execute(
        select(
            ThemeSuggestionPost,
            func.coalesce(Idea.body, Comment.body),
            func.coalesce(Idea.status, Comment.status),
            func.coalesce(Idea.moderation, Comment.moderation),
        )
        .outerjoin(Idea, Idea.id == ThemeSuggestionPost.idea_id)
        .outerjoin(Comment, Comment.id == ThemeSuggestionPost.comment_id)
        .where(
            ThemeSuggestionPost.suggestion_id.in_(suggestion_ids),
            ThemeSuggestionPost.quote_rank.is_not(None),
        )
        .order_by(ThemeSuggestionPost.quote_rank)
    )
    quotes: dict[uuid.UUID, list[Quote]] = {}
    for member, body, status, moderation in rows:
        shown = text_is_shown(status, moderation, mine=False)
        quotes.setdefault(member.suggestion_id, []).append(
            Quote(
                post_kind=TargetKind.idea if member.idea_id else TargetKind.comment,
                post_id=member.idea_id or member.comment_id,
                start=member.quote_start,
                end=member.quote_end,
                # From the body as it is now: an amendment that took a name out holds here too.
                text=body[member.quote_start : member.quote_end] if shown else None,
                score=member.score,
            )
        )
    return quotes


def _suggestion_out(suggestion: ThemeSuggestion, quotes: list[Quote]) -> ThemeSuggestionOut:
    return ThemeSuggestionOut(
        id=suggestion.id,
        run_id=suggestion.run_id,
        rank=suggestion.rank,
        label=suggestion.label,
        keywords=suggestion.keywords,
        size=suggestion.size,
        quotes=quotes,
        status=SuggestionStatus(suggestion.status),
        decided_by=suggestion.decided_by,
        decided_at=suggestion.decided_at,
        reason=suggestion.reason,
        code_id=suggestion.code_id,
    )


async def _runs(session: AsyncSession, runs: list[ThemeSuggestionRun]) -> list[ThemeRunOut]:
    suggestions = list(
        await session.scalars(
            select(ThemeSuggestion)
            .where(ThemeSuggestion.run_id.in_([r.id for r in runs]))
            .order_by(ThemeSuggestion.rank)
        )
    )
    quotes = await _quotes(session, [s.id for s in suggestions])
    return [
        ThemeRunOut(
            id=run.id,
            section_id=run.section_id,
            requested_by=run.requested_by,
            requested_at=run.requested_at,
            posts_analysed=run.posts_analysed,
            parameters=run.parameters,
            suggestions=[
                _suggestion_out(s, quotes.get(s.id, [])) for s in suggestions if s.run_id == run.id
            ],
        )
        for run in runs
    ]


async def _open_suggestion(
    session: AsyncSession, conversation_id: uuid.UUID, suggestion_id: uuid.UUID
) -> ThemeSuggestion:
    suggestion = await session.scalar(
        select(ThemeSuggestion)
        .where(
            ThemeSuggestion.id == suggestion_id,
            ThemeSuggestion.conversation_id == conversation_id,
        )
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if suggestion is None:
        raise SuggestionNotFound("No such theme suggestion in this conversation.")
    if suggestion.status != SuggestionStatus.open:
        raise SuggestionDecided(f"This suggestion was {suggestion.status} already.")
    return suggestion


# Pre-code the suggestion's posts that are still shown (text_is_shown, mine=False).
_PRE_CODE = text(
    """
    INSERT INTO codings (id, conversation_id, code_id, idea_id, comment_id, status,
                         analyst_id, suggestion_id)
    SELECT gen_random_uuid(), :conversation, :code, p.idea_id, p.comment_id, 'suggested',
           :analyst, p.suggestion_id
    FROM theme_suggestion_posts p
    LEFT JOIN ideas i ON i.id = p.idea_id
    LEFT JOIN comments c ON c.id = p.comment_id
    WHERE p.suggestion_id = :suggestion
      AND COALESCE(i.status, c.status) = 'published'
      AND COALESCE(i.moderation, c.moderation) = 'visible'
    """
)


async def accept(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    suggestion_id: uuid.UUID,
    data: AcceptSuggestion,
) -> AcceptedSuggestion:
    suggestion = await _open_suggestion(session, conversation_id, suggestion_id)
    edit = await begin_change(session, caller, conversation_id)
    code = add_code(
        session,
        edit,
        name=data.name or suggestion.label,
        description=data.description,
        parent_id=data.parent_id,
    )
    await record(
        session,
        edit,
        FrameChange(
            kind="added",
            code=CodeRef(id=code.id, name=code.name),
            after=CodeFields(
                name=code.name, description=code.description, parent_id=code.parent_id
            ),
            suggestion_id=suggestion.id,
        ),
    )
    suggestion.status = SuggestionStatus.accepted.value
    suggestion.decided_by, suggestion.decided_at = edit.actor_id, datetime.now(UTC)
    suggestion.code_id = code.id
    await session.flush()
    pre_coded = await session.execute(
        _PRE_CODE,
        {
            "conversation": conversation_id,
            "code": code.id,
            "analyst": edit.actor_id,
            "suggestion": suggestion.id,
        },
    )
    members = await session.scalar(
        select(func.count())
        .select_from(ThemeSuggestionPost)
        .where(ThemeSuggestionPost.suggestion_id == suggestion.id)
    )
    inserted: int = pre_coded.rowcount  # type: ignore[attr-defined]
    quotes = await _quotes(session, [suggestion.id])
    return AcceptedSuggestion(
        suggestion=_suggestion_out(suggestion, quotes.get(suggestion.id, [])),
        code=code_out(code, await coding_counts(session, [code.id])),
        version=edit.version,
        suggested_codings=inserted,
        posts_left_out=(members or 0) - inserted,
    )


async def reject(
    session: AsyncSession,
    caller: Caller,
    conversation_id: uuid.UUID,
    suggestion_id: uuid.UUID,
    data: RejectSuggestion,
) -> ThemeSuggestionOut:
    actor = await caller.actor(session)
    await conversations.get_conversation(session, caller, conversation_id)
    suggestion = await _open_suggestion(session, conversation_id, suggestion_id)
    suggestion.status = SuggestionStatus.rejected.value
    suggestion.decided_by, suggestion.decided_at = actor.id, datetime.now(UTC)
    suggestion.reason = data.reason
    await session.flush()
    quotes = await _quotes(session, [suggestion.id])
    return _suggestion_out(suggestion, quotes.get(suggestion.id, []))
