"""Who may use the studio. It is a local tool that changes files, so a web page the curator
happens to visit must not be able to drive it:

- every request must name this server by an address, not a domain name (`Host`): a page on
  evil.example that makes its name resolve to 127.0.0.1 (DNS rebinding) names evil.example;
- every change is a POST with the server's secret token (only the studio page, served to the
  same origin, knows it), a JSON body (a plain HTML form cannot send one), and, when the
  browser says where it comes from (`Origin`, `Sec-Fetch-Site`), this very origin.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urlsplit

TOKEN_HEADER = "X-Studio-Token"


def is_loopback(bind: str) -> bool:
    """The address only this computer can reach (127.0.0.1, ::1, localhost)."""
    if bind == "localhost":
        return True
    try:
        return ipaddress.ip_address(bind.strip("[]")).is_loopback
    except ValueError:
        return False


def _split_host(host: str) -> tuple[str, int | None] | None:
    try:
        parts = urlsplit(f"//{host}")
        return (parts.hostname or ""), parts.port
    except ValueError:
        return None


def _is_address(name: str) -> bool:
    if name == "localhost":
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


@dataclass(frozen=True)
class Guard:
    port: int
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32), repr=False)

    def host_allowed(self, host: str | None) -> bool:
        found = _split_host(host or "")
        return found is not None and _is_address(found[0]) and found[1] == self.port

    def refusal(self, method: str, headers: Mapping[str, str]) -> str | None:
        """Why this request is refused, or None. `headers` with lower-case names."""
        host = headers.get("host")
        if not self.host_allowed(host):
            return "the studio answers only to its own address (http://127.0.0.1:PORT/)"
        if method == "GET":
            return None
        if method != "POST":
            return "the studio changes files only through POST"
        origin = headers.get("origin")
        if origin is not None and origin != f"http://{host}":
            return "a request from another site"
        if headers.get("sec-fetch-site", "same-origin") not in ("same-origin", "none"):
            return "a request from another site"
        if not headers.get("content-type", "").startswith("application/json"):
            return "a change must be sent as JSON"
        if not hmac.compare_digest(headers.get(TOKEN_HEADER.lower(), ""), self.token):
            return "a missing or wrong studio token (reload the studio page)"
        return None
