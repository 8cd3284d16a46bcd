"""The listening socket: accepted connections must have Nagle's algorithm turned off."""

from __future__ import annotations

import asyncio
import socket

from vidskill.server.embedded import bind


async def test_connections_accepted_on_the_bound_socket_have_nodelay() -> None:
    """Without TCP_NODELAY, a keep-alive answer written in two parts stalls ~40 ms."""
    accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    class Probe(asyncio.Protocol):
        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            conn = transport.get_extra_info("socket")
            accepted.set_result(conn.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            transport.close()

    listening = bind("127.0.0.1", 0)
    assert listening.proto == socket.IPPROTO_TCP
    server = await asyncio.get_running_loop().create_server(Probe, sock=listening)
    try:
        port = listening.getsockname()[1]
        _, writer = await asyncio.open_connection("127.0.0.1", port)
        assert await asyncio.wait_for(accepted, 5) != 0
        writer.close()
    finally:
        server.close()
        await server.wait_closed()
