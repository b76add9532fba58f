"""URL canonicalization.

``canonical_url`` keeps a URL's identity and drops what only tracks or decorates it:
scheme and host lower-cased, a trailing dot on the host and user credentials removed,
the scheme's default port dropped, an empty path written ``/``, percent-escapes in
upper case, the fragment dropped, and tracking parameters removed (``utm_*``,
``fbclid``, ``gclid`` and the others in :data:`TRACKING_PARAMS`). The remaining query
parameters keep their order and spelling (order can matter to the server). Only absolute
``http``/``https`` URLs (or protocol-relative ``//host/...``, taken as https) are
accepted; anything else gives ``None`` — a scheme is never guessed.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote, unquote_plus, urlsplit, urlunsplit

#: Exact query parameter names removed (case-insensitive).
TRACKING_PARAMS: frozenset[str] = frozenset(
    [
        "fbclid",
        "gclid",
        "gclsrc",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "ttclid",
        "li_fat_id",
        "igshid",
        "igsh",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "_hsenc",
        "_hsmi",
        "__hssc",
        "__hstc",
        "__hsfp",
        "hsctatracking",
        "mkt_tok",
        "oly_anon_id",
        "oly_enc_id",
        "vero_id",
        "vero_conv",
        "rb_clickid",
        "s_cid",
        "wt.mc_id",
        "wt_mc_id",
        "ncid",
        "ocid",
        "cmpid",
        "icid",
        "smid",
        "sr_share",
        "soc_src",
        "soc_trk",
        "at_medium",
        "at_campaign",
        "at_custom1",
        "at_custom2",
        "at_custom3",
        "at_custom4",
        "ito",
        "spm",
        "share_id",
        "fb_action_ids",
        "fb_action_types",
        "fb_ref",
        "fb_source",
        "action_object_map",
        "action_type_map",
        "action_ref_map",
        "ref_src",
        "ref_url",
        "cvid",
        "trk",
        "trkcampaign",
        "sc_campaign",
        "sc_channel",
        "sc_content",
        "sc_medium",
        "sc_outcome",
        "sc_geo",
        "sc_country",
    ]
)
#: Query parameter prefixes removed.
TRACKING_PREFIXES: tuple[str, ...] = ("utm_", "pk_", "mtm_", "piwik_", "matomo_", "hmb_", "ga_")

_DEFAULT_PORTS = {"http": 80, "https": 443}
_WHITESPACE = re.compile(r"\s")
_PCT = re.compile(r"%[0-9a-fA-F]{2}")


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only track the visit (utm_*, fbclid, gclid, ...)."""
    n = name.lower()
    return n in TRACKING_PARAMS or n.startswith(TRACKING_PREFIXES)


_URL_START = re.compile(r"^(?:https?:)?//[^\s/]+", re.IGNORECASE)  # compiled once: called per line


def looks_like_url(value: str) -> bool:
    """True when ``value`` is an absolute http(s) or protocol-relative URL."""
    return bool(_URL_START.match(value.strip()))


def canonical_url(value: object) -> str | None:
    """Return the canonical form of an http(s) URL, or ``None`` when it is not one."""
    if not isinstance(value, str):
        return None
    return _canonical_url(value)


@lru_cache(maxsize=1024)  # one record's URL is canonicalized several times (url, domain, title names)
def _canonical_url(value: str) -> str | None:
    raw = value.strip()
    if raw.startswith("//"):
        raw = "https:" + raw
    if _WHITESPACE.search(raw):  # \s is str.isspace: one scan in C, not a generator per character
        return None
    try:
        parts = urlsplit(raw)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if not host or not re.fullmatch(r"[\w.-]+|\[[0-9a-f:.]+\]", host):
        return None
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    netloc = host if port in (None, _DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = _PCT.sub(lambda m: m.group(0).upper(), parts.path) or "/"
    path = quote(path, safe="/%:@!$&'()*+,;=-._~")
    kept = [
        _PCT.sub(lambda m: m.group(0).upper(), seg)
        for seg in parts.query.split("&")
        if seg and not is_tracking_param(unquote_plus(seg.split("=", 1)[0]))
    ]
    query = quote("&".join(kept), safe="/?%:@!$&'()*+,;=-._~")
    return urlunsplit((scheme, netloc, path, query, ""))


def url_host(url: str | None) -> str | None:
    """The host of a URL without a leading ``www.`` (``None`` when not a URL)."""
    canon = canonical_url(url) if url else None
    if not canon:
        return None
    host = urlsplit(canon).hostname or ""
    return host[4:] if host.startswith("www.") else host or None
