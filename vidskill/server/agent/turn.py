"""One chat turn: read the message, create or edit the draft, and say what changed."""

from __future__ import annotations

from vidskill.server.agent import ops
from vidskill.server.agent.check import check_draft
from vidskill.server.agent.draft import MOODS, MUSIC_PREFIX, Draft
from vidskill.server.agent.edits import apply
from vidskill.server.agent.media import Media, sort_media
from vidskill.server.agent.model import Toolbox, ToolCall, TurnInput, TurnResult
from vidskill.server.agent.parse import Uploads, is_greeting, mentions_workflow, parse
from vidskill.server.agent.replies import changes, say, sentences
from vidskill.server.agent.sanitize import read_draft
from vidskill.server.agent.script import create_script
from vidskill.server.agent.step import Context, Step, call
from vidskill.server.agent.workflows import create_photos, take_options


def run_turn(turn: TurnInput, toolbox: Toolbox) -> TurnResult:
    """Plan one turn; never raises and never hands back a draft that breaks DRAFT.md."""
    try:
        result = plan_turn(turn, toolbox)
    except Exception:  # the contract: a turn always answers, and a bad one leaves the draft alone
        return _refused(turn.language)
    if result.draft is not None and check_draft(result.draft, _known(turn, result)):
        return _refused(turn.language)
    return result


def _refused(language: str) -> TurnResult:
    return TurnResult(
        None,
        (),
        sentences([say("unknown", language), say("help", language)], language),
        False,
        False,
    )


def _known(turn: TurnInput, result: TurnResult) -> set[str]:
    made = {str(c.response.get("asset_id")) for c in result.calls if c.name == "generate_voiceover"}
    return {a.id for a in turn.assets} | made | {MUSIC_PREFIX + mood for mood in MOODS}


def plan_turn(turn: TurnInput, toolbox: Toolbox) -> TurnResult:
    """The turn's result, without the safety net of `run_turn` (tests call this directly)."""
    media = sort_media(turn.assets)
    ctx = Context(turn.language, media, {a.id: a for a in turn.assets}, toolbox)
    known = set(ctx.assets)
    draft = read_draft(turn.draft, known) if turn.draft is not None else None
    uploads = Uploads(len(media.pictures), len(media.audio), len(media.scripts))
    request = parse(turn.message, uploads)
    has_video = draft is not None and draft.main is not None and bool(draft.main.sg)
    placing = bool(request.edits) and all(isinstance(e, ops.PlaceUploads) for e in request.edits)
    if request.create is None and not has_video and (placing or mentions_workflow(turn.message)):
        request = parse(turn.message, uploads, force=True)
    if request.create is not None:
        return _create(request.create, request.edits, ctx)
    if not request.edits and is_greeting(turn.message):
        lang = turn.language
        return TurnResult(
            None, (), sentences([say("greeting", lang), say("help", lang)], lang), True, False
        )
    if not request.edits:
        return _refused(turn.language)
    if draft is None or not has_video:
        only_help = all(isinstance(e, ops.Help) for e in request.edits)
        return TurnResult(
            None, (), say("help" if only_help else "no_draft", turn.language), True, False
        )
    return _finish(draft, [], _edit(draft, request.edits, ctx), ctx)


def _analyze(media: Media) -> ToolCall:
    images = sum(1 for a in media.pictures if a.file_type == "image")
    return call(
        "analyze_media",
        {"assets": len(media.pictures) + len(media.audio) + len(media.scripts)},
        images=images,
        videos=len(media.pictures) - images,
        audio=len(media.audio),
        scripts=len(media.scripts),
        logo=media.logo.id if media.logo else None,
    )


def _create(create: ops.Create, edits: tuple[ops.Edit, ...], ctx: Context) -> TurnResult:
    opts, rest = take_options(tuple(e for e in edits if not isinstance(e, ops.PlaceUploads)))
    maker = create_script if create.workflow == "script" else create_photos
    made = maker(create, opts, ctx)
    calls = (_analyze(ctx.media), *made.calls)
    if made.draft is None:
        return TurnResult(None, calls, sentences(made.notes, ctx.language), True, False)
    steps = _edit(made.draft, rest, ctx)
    return _finish(None, [Step(made.draft, calls, notes=made.notes)], steps, ctx)


def _edit(draft: Draft, edits: tuple[ops.Edit, ...], ctx: Context) -> list[Step]:
    steps: list[Step] = []
    for edit in edits:
        step = apply(edit, draft, ctx)
        draft = step.draft or draft
        steps.append(step)
    return steps


def _finish(before: Draft | None, made: list[Step], steps: list[Step], ctx: Context) -> TurnResult:
    lang = ctx.language
    final = next((s.draft for s in reversed([*made, *steps]) if s.draft is not None), before)
    said = [c for s in steps for c in s.changes]
    notes = [n for s in made for n in s.notes]
    if said:
        notes.append(say("also" if made else "done", lang, changes=changes(said, lang)))
    notes += [n for s in steps for n in s.notes]
    if not notes:
        notes.append(say("unchanged", lang))
    edited = bool(made) or (final is not None and final != before)
    calls = tuple(c for s in [*made, *steps] for c in s.calls)
    draft = final.to_json() if edited and final is not None else None
    return TurnResult(draft, calls, sentences(notes, lang), True, edited)
