"""The local reference backend: the NemoVideo agent protocol on 127.0.0.1.

`create_app(config)` builds the ASGI app, `EmbeddedServer(config)` runs it in a background
thread, `ServerConfig` holds the settings and quirks. They load on first use, so importing a
part such as `vidskill.server.agent` does not pull in the web stack.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from vidskill.server.app import create_app
    from vidskill.server.config import ServerConfig
    from vidskill.server.embedded import EmbeddedServer

__all__ = ["EmbeddedServer", "ServerConfig", "create_app"]

_WHERE = {
    "create_app": "vidskill.server.app",
    "ServerConfig": "vidskill.server.config",
    "EmbeddedServer": "vidskill.server.embedded",
}


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module 'vidskill.server' has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
