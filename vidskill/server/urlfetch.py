"""URL uploads: fetch http(s) media under the upload limits without reaching private networks.

Unless `allow_private` is set, the host is resolved first and every address it resolves to must
be public: not loopback, private, link-local, multicast, unspecified or reserved, nor such an IPv4
address inside IPv6 (mapped, 6to4, Teredo, NAT64). The request then goes to the checked address,
with the name kept as Host header and TLS server name, so a second lookup cannot swap in another
address. Redirects are followed by hand, at most MAX_REDIRECTS, each target checked again. Bodies
are read raw (`Accept-Encoding: identity`) so the limit counts the bytes that reach the disk.
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path, PurePosixPath

import anyio
import httpx

from vidskill.server.storage import (
    BAD_REQUEST,
    MAX_FILES,
    URL_REFUSED,
    PartWriter,
    StoredFile,
    UploadRejected,
    discard_all,
    display_name,
    name_and_extension,
    too_large,
)

MAX_REDIRECTS = 5
FETCH_SECONDS = 600.0
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


async def fetch_urls(
    urls: list[str],
    dest_dir: Path,
    *,
    max_bytes: int,
    allow_private: bool,
    client: httpx.AsyncClient,
    max_files: int = MAX_FILES,
) -> list[StoredFile]:
    """Download each URL into `dest_dir` as an upload; all or nothing, each at most `max_bytes`."""
    if not urls or len(urls) > max_files:
        raise UploadRejected(BAD_REQUEST, f"Send between 1 and {max_files} URLs in 'urls'.")
    dest_dir.mkdir(parents=True, exist_ok=True)
    stored: list[StoredFile] = []
    try:
        for url in urls:
            stored.append(await _fetch_in_time(url, dest_dir, max_bytes, allow_private, client))
    except BaseException:
        discard_all(stored)
        raise
    return stored


def is_public(address: str) -> bool:
    """Whether an IP address (and any IPv4 address it carries) is on the public internet."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    return all(each.is_global and not each.is_multicast for each in _embedded(ip))


def _embedded(ip: _IPAddress) -> list[_IPAddress]:
    found: list[_IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        found += [each for each in (ip.ipv4_mapped, ip.sixtofour) if each is not None]
        found += list(ip.teredo or ())
        if ip in _NAT64:
            found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def refused(url: httpx.URL | str, reason: str) -> UploadRejected:
    """A 4003 naming the URL (without credentials or query) and the reason."""
    return UploadRejected(URL_REFUSED, f"Cannot fetch '{_shown(url)}': {reason}.")


def _shown(url: httpx.URL | str) -> str:
    # Credentials and query strings may hold secrets, so messages show neither.
    try:
        parsed = httpx.URL(url) if isinstance(url, str) else url
        text = str(parsed.copy_with(username=None, password=None, query=None, fragment=None))
    except (httpx.InvalidURL, TypeError, ValueError):
        text = str(url).split("?", 1)[0].rpartition("@")[2]
    return "".join(c for c in text[:200] if c.isprintable())


async def _fetch_in_time(
    url: str, dest_dir: Path, max_bytes: int, allow_private: bool, client: httpx.AsyncClient
) -> StoredFile:
    with anyio.move_on_after(FETCH_SECONDS):
        return await _fetch_one(_checked(url), dest_dir, max_bytes, allow_private, client)
    raise refused(url, f"the download took longer than {FETCH_SECONDS:.0f} seconds")


async def _fetch_one(
    target: httpx.URL,
    dest_dir: Path,
    max_bytes: int,
    allow_private: bool,
    client: httpx.AsyncClient,
) -> StoredFile:
    for _ in range(MAX_REDIRECTS + 1):
        request = await _request(client, target, allow_private)
        try:
            response = await client.send(request, stream=True, follow_redirects=False)
        except httpx.HTTPError as exc:
            raise refused(target, f"it could not be downloaded ({type(exc).__name__})") from exc
        try:
            if not response.is_redirect:
                return await _save(response, target, dest_dir, max_bytes)
            target = _checked(str(target.join(response.headers["location"])))
        finally:
            await response.aclose()
    raise refused(target, f"it redirects more than {MAX_REDIRECTS} times")


def _checked(raw: str) -> httpx.URL:
    try:
        url = httpx.URL(raw)
    except (httpx.InvalidURL, TypeError, ValueError) as exc:
        raise refused(raw, "it is not a valid URL") from exc
    if url.scheme not in ("http", "https"):
        raise refused(url, "only http:// and https:// URLs can be uploaded")
    if not url.host:
        raise refused(url, "it names no host")
    return url


async def _request(client: httpx.AsyncClient, url: httpx.URL, allow_private: bool) -> httpx.Request:
    headers = {"Accept-Encoding": "identity"}
    if allow_private:
        return client.build_request("GET", url, headers=headers)
    address = await _public_address(url)
    headers["Host"] = url.netloc.decode("ascii")
    return client.build_request(
        "GET", url.copy_with(host=address), headers=headers, extensions={"sni_hostname": url.host}
    )


async def _public_address(url: httpx.URL) -> str:
    port = url.port or (443 if url.scheme == "https" else 80)
    try:
        infos = await anyio.getaddrinfo(url.host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise refused(url, "its host name does not resolve") from exc
    addresses = [str(info[4][0]) for info in infos]
    blocked = [each for each in addresses if not is_public(each)]
    if blocked or not addresses:
        raise refused(
            url,
            f"it points to a private or local network address ({(blocked or ['none'])[0]}); "
            "upload the file itself, or run the local server with private URLs allowed",
        )
    return addresses[0]


async def _save(
    response: httpx.Response, url: httpx.URL, dest_dir: Path, max_bytes: int
) -> StoredFile:
    if response.status_code != 200:
        raise refused(url, f"the server answered HTTP {response.status_code}")
    raw_name = display_name(PurePosixPath(url.path).name, fallback="download")
    name, ext = name_and_extension(raw_name, response.headers.get("content-type"), lenient=True)
    _check_headers(response.headers, url, name, max_bytes)
    writer = PartWriter(dest_dir, name, ext, max_bytes)
    try:
        async for chunk in response.aiter_raw():
            await writer.write(chunk)
        return await writer.finish()
    except httpx.HTTPError as exc:
        writer.discard()
        raise refused(url, "the download broke off") from exc
    except BaseException:
        writer.discard()
        raise


def _check_headers(headers: httpx.Headers, url: httpx.URL, name: str, max_bytes: int) -> None:
    # A compressed body could unpack far past the limit inside one chunk, so it is not taken.
    encoding = headers.get("content-encoding", "").strip().lower()
    if encoding not in ("", "identity"):
        raise refused(url, f"the server sent it compressed ({encoding}) although asked not to")
    length = headers.get("content-length", "")
    if length.isdigit() and int(length) > max_bytes:
        raise too_large(name, max_bytes)
