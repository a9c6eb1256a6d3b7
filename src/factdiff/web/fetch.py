"""Reading a URL for the web server, only to public addresses (``factdiff serve --allow-fetch``).

A server that downloads what a visitor names must not become a way into the machine's own
network: every hop (the first URL and each redirect) is resolved first, every address it
resolves to must be a public (global unicast) address, and the connection goes to the checked
address itself, so a second DNS answer cannot swap in ``127.0.0.1`` (DNS rebinding). Loopback,
private, link-local (cloud metadata at 169.254.169.254), shared (100.64/10), multicast and
reserved addresses are refused, as is anything over ``max_bytes``.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from ..doc import Document
from ..ingest import InputError

MAX_REDIRECTS = 5
TIMEOUT_S = 10.0
USER_AGENT = "factdiff (+https://pypi.org/project/factdiff/)"


class FetchRefused(InputError):
    """The URL leads to an address the server will not connect to, or breaks a limit."""


def is_public(ip: str) -> bool:
    """True for a global unicast address; IPv4-mapped IPv6 is judged as the IPv4 address it maps."""
    try:
        addr = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    return bool(addr.is_global and not addr.is_multicast and not addr.is_reserved)


def resolve(host: str, port: int, allowed: Callable[[str], bool] = is_public) -> str:
    """The address to connect to: every address ``host`` resolves to must be allowed."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchRefused(f"{host}: cannot be resolved ({exc})") from None
    ips = sorted({str(info[4][0]) for info in infos})
    if not ips:
        raise FetchRefused(f"{host}: no address")
    bad = [ip for ip in ips if not allowed(ip)]
    if bad:
        raise FetchRefused(f"{host} resolves to {bad[0]}, which is not a public address; refused")
    return ips[0]


def fetch_bytes(url: str, max_bytes: int, *, timeout: float = TIMEOUT_S,
                allowed: Callable[[str], bool] = is_public) -> tuple[bytes, str, str]:
    """(body, content type, final URL) of ``url``, following at most ``MAX_REDIRECTS`` checked redirects."""
    import urllib3

    for _hop in range(MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchRefused(f"{url[:200]}: only http and https URLs are read")
        if parts.username or parts.password:
            raise FetchRefused(f"{parts.hostname}: URLs with credentials are refused")
        host = parts.hostname
        port = parts.port or (443 if parts.scheme == "https" else 80)
        ip = resolve(host, port, allowed)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host_header = host if parts.port is None else f"{host}:{parts.port}"
        if ":" in host and not host_header.startswith("["):
            host_header = f"[{host}]" + (f":{parts.port}" if parts.port else "")
        pool: urllib3.HTTPConnectionPool
        if parts.scheme == "https":
            import certifi

            pool = urllib3.HTTPSConnectionPool(ip, port, timeout=timeout, retries=False, cert_reqs="CERT_REQUIRED",
                                               ca_certs=certifi.where(), server_hostname=host, assert_hostname=host)
        else:
            pool = urllib3.HTTPConnectionPool(ip, port, timeout=timeout, retries=False)
        try:
            resp = pool.urlopen("GET", path, headers={"Host": host_header, "User-Agent": USER_AGENT,
                                                      "Accept": "text/html,text/plain;q=0.9,*/*;q=0.1"},
                                redirect=False, preload_content=False, assert_same_host=False)
        except urllib3.exceptions.HTTPError as exc:
            raise FetchRefused(f"{url[:200]}: could not be downloaded ({type(exc).__name__})") from None
        try:
            if resp.status in (301, 302, 303, 307, 308):
                location = resp.headers.get("Location")
                if not location:
                    raise FetchRefused(f"{url[:200]}: redirect without a Location")
                url = urljoin(url, location)
                continue
            if resp.status != 200:
                raise FetchRefused(f"{url[:200]}: HTTP {resp.status}")
            declared = resp.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise FetchRefused(f"{url[:200]}: {int(declared) / 1e6:.1f} MB is over the "
                                   f"{max_bytes / 1e6:.1f} MB limit")
            body = bytearray()
            for chunk in resp.stream(65536):
                body += chunk
                if len(body) > max_bytes:
                    raise FetchRefused(f"{url[:200]}: larger than the {max_bytes / 1e6:.1f} MB limit")
            return bytes(body), resp.headers.get("Content-Type", ""), url
        finally:
            resp.release_conn()
            pool.close()
    raise FetchRefused(f"{url[:200]}: more than {MAX_REDIRECTS} redirects")


def fetch_document(url: str, max_bytes: int, doc_id: str, *, allowed: Callable[[str], bool] = is_public) -> Document:
    """The article at ``url`` (HTML through trafilatura, as ``factdiff compare --fetch`` reads it)."""
    from ..ingest import _from_html, decode

    data, ctype, final = fetch_bytes(url, max_bytes, allowed=allowed)
    text = decode(data, url[:200])
    if "html" in ctype.lower() or text.lstrip()[:1] == "<":
        doc = _from_html(text, final, url=final)
    else:
        doc = Document(id="", source=final, text=text, url=final)
    doc.id = doc_id
    return doc
