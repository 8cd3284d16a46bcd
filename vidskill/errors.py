"""The one exception tree of vidskill.

    VidskillError                 anything vidskill reports to a user
    ├── UsageError                a command line or slash command that cannot be run as typed
    ├── SkillError                a SKILL.md that cannot be used
    │   ├── FrontmatterError      no frontmatter, unclosed block, bad YAML, not a mapping
    │   └── SkillValidationError  a field breaks the Agent Skills rules
    ├── DraftError                a draft or timeline that cannot be read
    ├── BackendError              the backend refused (carries code, HTTP status, message)
    │   ├── TokenError            1001: token bad or expired
    │   ├── SessionNotFoundError  1002: session not found (or not yours)
    │   ├── NoCreditsError        2001: no credits left
    │   ├── UnsupportedFileError  4001: a file format the skill does not take
    │   ├── FileTooLargeError     4002: a file over the skill's size limit
    │   ├── ClientIdError         HTTP 400: X-Client-Id missing
    │   ├── PlanError             HTTP 402: export blocked on the free plan
    │   ├── RateLimitError        HTTP 429: rate limited
    │   └── RenderFailedError     a render job ended as failed
    ├── NetworkError              the backend could not be reached or stopped answering
    │   ├── StreamTimeoutError    a chat turn went past its keep-alive or hard limit
    │   └── StreamDroppedError    a chat stream broke after its message was sent
    └── InterruptedError_         the user interrupted (Ctrl-C)

Backend codes and HTTP statuses map to classes through `CODE_ERRORS` and `STATUS_ERRORS`, the
one table `backend_error()` reads. Errors become user text only in the front ends.
"""

from __future__ import annotations


class VidskillError(Exception):
    """Base of every error vidskill reports to a user."""


class UsageError(VidskillError):
    """A command line or slash command that cannot be run as typed."""


class SkillError(VidskillError):
    """A SKILL.md that cannot be used."""


class FrontmatterError(SkillError):
    """A SKILL.md whose frontmatter cannot be read; names the file and line."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.reason = message
        self.path = path
        self.line = line
        where = path or "<text>"
        if line is not None:
            where = f"{where}:{line}"
        super().__init__(f"{where}: {message}")


class SkillValidationError(SkillError):
    """A SKILL.md field that breaks the Agent Skills rules."""


class DraftError(VidskillError):
    """A draft or timeline that cannot be read."""


class BackendError(VidskillError):
    """The backend refused a request."""

    default_code: int | None = None

    def __init__(
        self,
        message: str,
        *,
        code: int | None = None,
        status: int | None = None,
        data: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code if code is not None else self.default_code
        self.status = status
        self.data = data or {}


class TokenError(BackendError):
    """1001: the token is bad or expired."""

    default_code = 1001


class SessionNotFoundError(BackendError):
    """1002: the session does not exist or is not the caller's."""

    default_code = 1002


class NoCreditsError(BackendError):
    """2001: no credits left."""

    default_code = 2001


class UnsupportedFileError(BackendError):
    """4001: a file format the skill does not take."""

    default_code = 4001


class FileTooLargeError(BackendError):
    """4002: a file over the skill's size limit."""

    default_code = 4002


class ClientIdError(BackendError):
    """HTTP 400: the X-Client-Id header is missing."""


class PlanError(BackendError):
    """HTTP 402: export is blocked on the free plan (not a credit problem)."""


class RateLimitError(BackendError):
    """HTTP 429: rate limited; `retry_after` is in seconds when the backend said."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.retry_after = retry_after


class RenderFailedError(BackendError):
    """A render job ended as failed."""


class NetworkError(VidskillError):
    """The backend could not be reached or stopped answering; names the URL."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class StreamTimeoutError(NetworkError):
    """A chat turn went past its keep-alive or hard time limit."""


class StreamDroppedError(NetworkError):
    """A chat stream broke after its message was sent: the turn may still run, never resend it."""


class InterruptedError_(VidskillError):  # the builtin name is taken
    """The user interrupted (Ctrl-C)."""


CODE_ERRORS: dict[int, type[BackendError]] = {
    1001: TokenError,
    1002: SessionNotFoundError,
    2001: NoCreditsError,
    4001: UnsupportedFileError,
    4002: FileTooLargeError,
}

STATUS_ERRORS: dict[int, type[BackendError]] = {
    400: ClientIdError,
    401: TokenError,
    402: PlanError,
    404: SessionNotFoundError,
    413: FileTooLargeError,
    415: UnsupportedFileError,
    429: RateLimitError,
}


def backend_error(
    message: str,
    *,
    code: int | None,
    status: int | None,
    data: dict[str, object] | None = None,
) -> BackendError:
    """Build the error for a backend answer: by `code` first, then by HTTP status."""
    cls = CODE_ERRORS.get(code) if code else None
    if cls is None and status is not None:
        cls = STATUS_ERRORS.get(status)
    return (cls or BackendError)(message, code=code, status=status, data=data)
