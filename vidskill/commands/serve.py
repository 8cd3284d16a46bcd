"""`vidskill serve`: run the local reference backend in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path
from typing import Any

from vidskill.errors import UsageError

DEFAULT_PORT = 8765

# flag -> (ServerConfig field or quirk, type, help)
_TUNING: dict[str, tuple[str, Any, str]] = {
    "--seed": ("seed", int, "seed for every random quirk (default 0)"),
    "--gui-speak": (
        "gui_speak",
        float,
        "share of replies given as GUI instructions (0-1, default 0)",
    ),
    "--silent-share": (
        "silent_share",
        float,
        "share of edits that end with no text (0-1, default 0.3)",
    ),
    "--heartbeat": (
        "heartbeat_s",
        float,
        "seconds between keep-alives while tools run (default 10)",
    ),
    "--drop-after": ("drop_after", int, "cut every chat stream after N events"),
    "--token-lifetime": ("token_lifetime_s", float, "anonymous token lifetime in seconds"),
    "--slow-tools": ("slow_tools_s", float, "extra seconds each tool call takes"),
    "--anon-cap": ("anon_cap", int, "new anonymous tokens per address per hour (default 100)"),
    "--render-workers": ("render_workers", int, "render worker processes"),
}


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `vidskill serve`."""
    parser.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default 127.0.0.1; anything else is explicit)",
    )
    parser.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help=f"port (default {DEFAULT_PORT}; 0 picks a free one)",
    )
    parser.add_argument("--data", type=Path, help="data folder (default: the user data folder)")
    parser.add_argument(
        "--token",
        action="append",
        default=[],
        metavar="NAME=TOKEN",
        help="pre-register a named token with credits (repeatable)",
    )
    parser.add_argument(
        "--allow-private-urls",
        action="store_true",
        help="let URL uploads fetch from loopback and private addresses",
    )
    parser.add_argument("--max-upload-mb", type=float, help="largest upload in MB (default 500)")
    for flag, (_, kind, help_) in _TUNING.items():
        parser.add_argument(flag, type=kind, help=help_)
    parser.add_argument(
        "--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"]
    )


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The settings given on the command line (flags win over `VIDSKILL_*` variables)."""
    found: dict[str, Any] = {"host": args.host, "port": args.port}
    for flag, (key, _, _) in _TUNING.items():
        value = getattr(args, flag.lstrip("-").replace("-", "_"))
        if value is not None:
            found[key] = value
    if args.data is not None:
        found["data_dir"] = args.data.expanduser()
    if args.token:
        from vidskill.server.config import parse_tokens

        try:
            found["tokens"] = parse_tokens(args.token)
        except ValueError as exc:
            raise UsageError(f"--token: {exc}") from None
    if args.allow_private_urls:
        found["allow_private_urls"] = True
    if args.max_upload_mb is not None:
        found["max_upload_bytes"] = int(args.max_upload_mb * 1024 * 1024)
    return found


def run(args: argparse.Namespace) -> int:
    """Serve until interrupted; print the URL first so scripts can read it."""
    import uvicorn

    from vidskill.server.config import ServerConfig, check_quirks
    from vidskill.server.embedded import bind, uvicorn_config

    config = ServerConfig.from_env(os.environ, **overrides(args))
    check_quirks(config.quirks)
    sock = bind(config.host, config.port)
    port = sock.getsockname()[1]
    shown_host = f"[{config.host}]" if ":" in config.host else config.host
    print(
        f"vidskill local backend on http://{shown_host}:{port} (data: {config.data_dir})",
        flush=True,
    )
    uv_config = uvicorn_config(config, time.time, quiet=False, log_level=args.log_level)
    try:
        uvicorn.Server(uv_config).run(sockets=[sock])
    except KeyboardInterrupt:
        pass  # uvicorn raises Ctrl-C again after its graceful shutdown; stopping is the intent
    finally:
        sock.close()
    return 0
