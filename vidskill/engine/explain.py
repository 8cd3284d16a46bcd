"""The one place where errors become words for the user, in English or Chinese.

`explain` turns an exception of the `vidskill.errors` tree into an `ErrorShown` through one
table (most specific class first), naming what to do next: register (with the registration URL
bound to the anonymous user) or top up for 2001, the accepted formats for 4001, the size limit
and a compress-or-trim suggestion for 4002, a plan upgrade for 402 (never a credit problem), the
backend's URL for network failures. `refusal` does the same for the runtime's own refusals
(nothing to export, a render still running). The REPL and the one-shot commands show only what
comes out of here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from urllib.parse import quote

from vidskill import errors, messages
from vidskill.cli import EXIT_ERROR, EXIT_INTERRUPTED, exit_code_for
from vidskill.engine.outputs import ErrorShown
from vidskill.skill import HOSTED_WEB, MB, Skill

Build = Callable[[BaseException, Skill | None, str, str | None], str]


def _formats(skill: Skill | None) -> str:
    return ", ".join(skill.formats) if skill is not None else "mp4, mov, jpg, png, mp3, wav"


def _limit(skill: Skill | None) -> str:
    size = skill.max_upload_bytes if skill is not None else 500 * MB
    return f"{size / MB:g} MB"


def _web(skill: Skill | None) -> str:
    return (skill.web_base if skill is not None else HOSTED_WEB).rstrip("/")


def _data(exc: BaseException) -> dict[str, object]:
    return exc.data if isinstance(exc, errors.BackendError) else {}


def _no_credits(exc: BaseException, skill: Skill | None, lang: str, url: str | None) -> str:
    data = _data(exc)
    user = data.get("user_id")
    anonymous = data.get("anonymous")
    if anonymous is None:
        anonymous = isinstance(user, str) and user.startswith("anon_")
    if not anonymous:
        return messages.text("err_no_credits", lang, web=_web(skill))
    link = f"{_web(skill)}/register"
    if isinstance(user, str) and user:
        link += f"?bind={quote(user, safe='')}"
    return messages.text("err_no_credits_anon", lang, url=link)


def _unsupported(exc: BaseException, skill: Skill | None, lang: str, url: str | None) -> str:
    data = _data(exc)
    formats = _formats(skill)
    name, content = data.get("file"), data.get("content")
    if name and content:
        return messages.text("err_content", lang, file=name, content=content, formats=formats)
    if name:
        return messages.text("err_format_file", lang, file=name, formats=formats)
    return messages.text("err_format", lang, formats=formats)


def _too_large(exc: BaseException, skill: Skill | None, lang: str, url: str | None) -> str:
    name = _data(exc).get("file")
    if name:
        return messages.text("err_too_large_file", lang, file=name, limit=_limit(skill))
    return messages.text("err_too_large", lang, limit=_limit(skill))


def _token(exc: BaseException, skill: Skill | None, lang: str, url: str | None) -> str:
    key = "err_token_env" if "NEMO_TOKEN" in str(exc) else "err_token"
    return messages.text(key, lang)


def _network(exc: BaseException, skill: Skill | None, lang: str, url: str | None) -> str:
    where = (exc.url if isinstance(exc, errors.NetworkError) else None) or url or "?"
    detail = str(exc)
    marker = f"{where}: "
    reason = detail.split(marker, 1)[1].rstrip(".") if marker in detail else detail.rstrip(".")
    return messages.text("err_network", lang, url=where, reason=reason)


def _rate_limited(exc: BaseException, skill: Skill | None, lang: str, url: str | None) -> str:
    after = exc.retry_after if isinstance(exc, errors.RateLimitError) else None
    seconds = max(1, round(after)) if after else 60
    if lang.startswith("zh"):
        wait = f"{seconds}秒" if seconds < 120 else f"{round(seconds / 60)}分钟"
    else:
        wait = f"{seconds} seconds" if seconds < 120 else f"{round(seconds / 60)} minutes"
    return messages.text("err_rate_limited", lang, wait=wait)


def _detail(key: str) -> Build:
    def build(exc: BaseException, skill: Skill | None, lang: str, url: str | None) -> str:
        detail = exc.message if isinstance(exc, errors.BackendError) else str(exc)
        return messages.text(key, lang, detail=detail or type(exc).__name__)

    return build


def _fixed(key: str) -> Build:
    def build(exc: BaseException, skill: Skill | None, lang: str, url: str | None) -> str:
        return messages.text(key, lang, web=_web(skill))

    return build


# (error class, kind, message builder); the first class the error is an instance of wins.
TABLE: tuple[tuple[type[BaseException], str, Build], ...] = (
    (errors.NoCreditsError, "no_credits", _no_credits),
    (errors.UnsupportedFileError, "unsupported_file", _unsupported),
    (errors.FileTooLargeError, "file_too_large", _too_large),
    (errors.PlanError, "plan", _fixed("err_plan")),
    (errors.TokenError, "token", _token),
    (errors.RateLimitError, "rate_limited", _rate_limited),
    (errors.RenderFailedError, "render_failed", _detail("err_render_failed")),
    (errors.SessionNotFoundError, "session_not_found", _fixed("err_session_lost")),
    (errors.ClientIdError, "client_id", _detail("err_backend")),
    (errors.BackendError, "backend", _detail("err_backend")),
    (errors.StreamTimeoutError, "turn_timeout", _fixed("err_turn_timeout")),
    (errors.NetworkError, "network", _network),
    (errors.UsageError, "usage", _detail("err_usage")),
    (errors.SkillError, "skill", _detail("err_skill")),
    (errors.DraftError, "draft", _detail("err_draft")),
    (errors.InterruptedError_, "interrupted", _fixed("err_interrupted")),
    (KeyboardInterrupt, "interrupted", _fixed("err_interrupted")),
    (asyncio.CancelledError, "interrupted", _fixed("err_interrupted")),
    (errors.VidskillError, "error", _detail("err_other")),
)


def explain(
    exc: BaseException, *, skill: Skill | None, lang: str, url: str | None = None
) -> ErrorShown:
    """The user's view of an error: message, kind, exit code and the backend code if any."""
    for cls, kind, build in TABLE:
        if isinstance(exc, cls):
            code = exc.code if isinstance(exc, errors.BackendError) else None
            exit_code = EXIT_INTERRUPTED if kind == "interrupted" else exit_code_for(exc)
            return ErrorShown(build(exc, skill, lang, url), kind, exit_code, code)
    return ErrorShown(
        messages.text("err_other", lang, detail=str(exc) or type(exc).__name__),
        "error",
        EXIT_ERROR,
    )


def refusal(kind: str, lang: str, /, *, exit_code: int = EXIT_ERROR, **fmt: object) -> ErrorShown:
    """A refusal of the runtime's own (`refuse_<kind>` in the messages), as an `ErrorShown`."""
    return ErrorShown(messages.text(f"refuse_{kind}", lang, **fmt), kind, exit_code)
