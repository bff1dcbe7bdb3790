"""The log formats ingest reads, how each is recognised, and its fields as DuckDB expressions.

Each format's fields are cut with string functions rather than one large regular expression
(2.5 times faster on a million lines here), leniently: a combined line whose user agent lost its
closing quote (a truncated write) still counts, with the agent as far as it goes, as GoAccess
counts it. Query strings are cut off the path before anything else sees them: they carry search
terms, tokens and e-mail addresses.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from clientvault.traffic.models import LogFormat

_CLF = r'^\S+ \S+ \S+ \[\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4}\] "[^"]*" \d{3} (?:\d+|-)'
SAMPLES: dict[str, re.Pattern[str]] = {
    LogFormat.VHOST_COMBINED: re.compile(r"^[\w.-]+(?::\d+)? " + _CLF[1:] + r' "[^"]*" "'),
    LogFormat.COMBINED: re.compile(_CLF + r' "[^"]*" "'),
    LogFormat.COMMON: re.compile(_CLF + r"\s*$"),
    LogFormat.NGINX_JSON: re.compile(r'^\s*\{.*"(?:remote_addr|client_ip)"\s*:'),
}


def detect(sample: Iterable[str]) -> str | None:
    """The format most of the sample's lines have (the more specific on a tie), or None."""
    lines = [line for line in sample if line.strip()]
    counts = {name: sum(1 for line in lines if rx.search(line)) for name, rx in SAMPLES.items()}
    best = max(counts, key=lambda name: counts[name])
    return best if counts[best] and counts[best] * 2 >= len(lines) else None


# -- the fields, as columns of a SELECT over a relation with one column ``line`` --------------

_CLF_FIELDS = """
    split_part({line}, ' ', 1) AS ip,
    substr({line}, instr({line}, '[') + 1, 26) AS ts_text,
    split_part({line}, '"', 2) AS request,
    trim(split_part({line}, '"', 3)) AS tail,
    split_part(request, ' ', 1) AS method,
    split_part(split_part(split_part(request, ' ', 2), '?', 1), '#', 1) AS raw_path,
    split_part(tail, ' ', 1) AS status_text,
    split_part(tail, ' ', 2) AS size_text,
    try_strptime(ts_text, '%d/%b/%Y:%H:%M:%S %z') AS ts
"""
_AGENT = """
    split_part({line}, '"', 6) AS ua,
    trim(split_part({line}, '"', 7)) AS serve_text
"""
_JSON = """
    coalesce(json_extract_string({doc}, '$.remote_addr'),
        json_extract_string({doc}, '$.client_ip'), '') AS ip,
    coalesce(json_extract_string({doc}, '$.request'), '') AS request,
    coalesce(json_extract_string({doc}, '$.request_method'), split_part(request, ' ', 1)) AS method,
    split_part(split_part(coalesce(json_extract_string({doc}, '$.request_uri'),
        json_extract_string({doc}, '$.uri'), split_part(request, ' ', 2)), '?', 1), '#', 1)
        AS raw_path,
    coalesce(json_extract_string({doc}, '$.status'), '') AS status_text,
    coalesce(json_extract_string({doc}, '$.body_bytes_sent'),
        json_extract_string({doc}, '$.bytes_sent'), '-') AS size_text,
    coalesce(json_extract_string({doc}, '$.http_user_agent'), '') AS ua,
    coalesce(json_extract_string({doc}, '$.request_time'), '') AS serve_text,
    coalesce(try_cast(json_extract_string({doc}, '$.time_iso8601') AS TIMESTAMPTZ),
        try_strptime(json_extract_string({doc}, '$.time_local'), '%d/%b/%Y:%H:%M:%S %z')) AS ts,
    lower(coalesce(json_extract_string({doc}, '$.host'),
        json_extract_string({doc}, '$.server_name'), '')) AS host
"""


def field_sql(log_format: str) -> str:
    """The SELECT list giving ip, ts, method, raw_path, status_text, size_text, ua, serve_text
    and host from ``line`` for ``log_format``."""
    if log_format == LogFormat.NGINX_JSON:  # a line that is no JSON object reads as {}: refused
        return _JSON.format(doc="CASE WHEN json_valid(line) THEN line ELSE '{}' END")
    if log_format == LogFormat.VHOST_COMBINED:
        rest = "substr(line, instr(line, ' ') + 1)"
        host = "lower(split_part(split_part(line, ' ', 1), ':', 1)) AS host"
        return f"{host}, {_CLF_FIELDS.format(line=rest)}, {_AGENT.format(line=rest)}"
    agent = (
        _AGENT.format(line="line")
        if log_format == LogFormat.COMBINED
        else "'' AS ua, '' AS serve_text"
    )
    return f"'' AS host, {_CLF_FIELDS.format(line='line')}, {agent}"


# Requests for these are files, not pages (a download is still a hit with its bytes).
ASSET = (
    r"\.(css|js|mjs|map|png|jpe?g|gif|svg|ico|webp|avif|bmp|tiff?|woff2?|ttf|otf|eot|mp[34]|"
    r"webm|ogg|wav|flac|zip|gz|tgz|bz2|xz|7z|rar|pdf|txt|xml|json|csv|iso|exe|dmg|apk|rss|atom)$"
)
