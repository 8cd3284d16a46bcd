"""The runtime side of the wire: the API client, the chat stream's events, tokens and exports."""

from __future__ import annotations

from vidskill.client.api import APP, ApiClient
from vidskill.client.auth import Secret, Token, TokenSource, TokenStore
from vidskill.client.caller import Timeouts
from vidskill.client.events import (
    Event,
    KeepAlive,
    StreamError,
    Text,
    ToolCall,
    ToolResult,
    Unknown,
)
from vidskill.client.models import (
    Asset,
    Credits,
    Progress,
    RenderStatus,
    Session,
    SessionState,
    UploadResult,
)

__all__ = [
    "APP",
    "ApiClient",
    "Asset",
    "Credits",
    "Event",
    "KeepAlive",
    "Progress",
    "RenderStatus",
    "Secret",
    "Session",
    "SessionState",
    "StreamError",
    "Text",
    "Timeouts",
    "Token",
    "TokenSource",
    "TokenStore",
    "ToolCall",
    "ToolResult",
    "Unknown",
    "UploadResult",
]
