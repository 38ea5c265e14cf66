"""Checks of the LLM settings made before anything is sent: values in range, an http(s) base URL,
and a key for any endpoint that is not local (a local model, e.g. Ollama, needs none)."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

from hnmatome.core.errors import UserError
from hnmatome.core.settings import LLMSettings

KEY_ENV = "HNMATOME_LLM_API_KEY"
OLLAMA_URL = "http://localhost:11434/v1"

# Networks that are not the internet: RFC 1918, carrier-grade NAT (Tailscale uses it) and IPv6
# unique local addresses. Loopback, link-local and "this host" (0.0.0.0, ::) are checked apart.
_PRIVATE_NETWORKS = tuple(ipaddress.ip_network(net) for net in (
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"))
_LOCAL_SUFFIXES = (".local", ".localhost")


def is_local_endpoint(url: str) -> bool:
    """Whether `url` points at this machine or the local network: localhost, a loopback,
    link-local or private address, or an mDNS `.local` name. Such endpoints need no key."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return False
    if not host:
        return False
    host = host.rstrip(".").lower()
    if host == "localhost" or host.endswith(_LOCAL_SUFFIXES):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return (address.is_loopback or address.is_link_local or address.is_unspecified
            or any(address in net for net in _PRIVATE_NETWORKS))


def has_credentials(llm: LLMSettings) -> bool:
    """A request may be sent: there is a key, or the endpoint is local and needs none."""
    return bool(llm.api_key) or is_local_endpoint(llm.base_url)


def require_api_key(llm: LLMSettings) -> None:
    """Stop before anything is sent when a remote endpoint would get no key: it would only
    answer 401, after the retries (or fail to resolve, for a mistyped URL)."""
    if has_credentials(llm):
        return
    raise UserError(
        f"no API key for the LLM endpoint {llm.base_url}: {KEY_ENV} is not set",
        hint=(f"export {KEY_ENV}=<your key> for this endpoint, or use a local model, which "
              f"needs no key: e.g. for Ollama, export HNMATOME_LLM_BASE_URL={OLLAMA_URL} "
              "HNMATOME_LLM_MODEL=qwen2.5:14b (`hnmatome translate --dry-run` sends nothing "
              "and needs no key)"),
    )


def check_llm_settings(llm: LLMSettings, pyproject: Path) -> None:
    """Values in range and an http(s) base URL; `pyproject` is named in the errors."""
    limits = {"chunk_size": (llm.chunk_size, 1), "concurrency": (llm.concurrency, 1),
              "requests_per_minute": (llm.requests_per_minute, 0),
              "max_retries": (llm.max_retries, 0), "context_comments": (llm.context_comments, 0),
              "existing_tags": (llm.existing_tags, 0), "timeout": (llm.timeout, 0.001)}
    for key, (value, lowest) in limits.items():
        if value < lowest:
            raise UserError(f"[tool.hnmatome.llm] {key} = {value} is too small", pyproject,
                            hint=f"use {lowest:g} or more (or delete the line for the default)")
    if not llm.base_url.startswith(("http://", "https://")):
        raise UserError(f"the LLM base URL {llm.base_url!r} is not an http(s) URL", pyproject,
                        hint="set HNMATOME_LLM_BASE_URL, e.g. https://api.openai.com/v1")
