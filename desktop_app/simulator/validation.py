"""The service's own body validation, reproduced with its wording (API.md section 3)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

MODEL_ID = "alibaba/wan-2-6-r2v"

_ENUMS: dict[str, tuple[Any, ...]] = {
    "aspect_ratio": ("16:9", "9:16", "1:1", "4:3", "3:4"),
    "resolution": ("720p", "1080p"),
    "duration": (5, 10, 15),
    "shot_type": ("single", "multi"),
}
_LIMITS = {"prompt": 1500, "negative_prompt": 500}


def _expected(values: tuple[Any, ...]) -> str:
    return " | ".join(repr(v) if isinstance(v, str) else str(v) for v in values)


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, list):
        return "array"
    return "object" if isinstance(value, dict) else "string"


def body_problems(body: Any) -> list[str]:
    """The detail lines the service lists under "Body validation error"."""
    if not isinstance(body, dict):
        return [f"Expected object, received {_type_name(body)}"]
    lines = []
    if body.get("model") != MODEL_ID:
        lines.append(
            f"[model] Invalid enum value. Expected '{MODEL_ID}', received '{body.get('model')}'"
        )
    for name in ("prompt", "negative_prompt"):
        value = body.get(name)
        if value is None:
            if name == "prompt":
                lines.append("[prompt] Required")
        elif not isinstance(value, str):
            lines.append(f"[{name}] Expected string, received {_type_name(value)}")
        elif len(value) > _LIMITS[name]:
            lines.append(f"[{name}] String must contain at most {_LIMITS[name]} character(s)")
        elif name == "prompt" and not value.strip():
            lines.append("[prompt] String must contain at least 1 character(s)")
    lines.extend(_url_problems(body.get("video_urls")))
    for name, allowed in _ENUMS.items():
        if name in body and body[name] not in allowed:
            lines.append(
                f"[{name}] Invalid enum value. Expected {_expected(allowed)}, received "
                f"'{body[name]}'"
            )
    seed = body.get("seed")
    if "seed" in body and (not isinstance(seed, int) or isinstance(seed, bool)):
        lines.append(f"[seed] Expected integer, received {_type_name(seed)}")
    elif isinstance(seed, int) and not 0 <= seed <= 2_147_483_647:
        lines.append("[seed] Number must be between 0 and 2147483647")
    if "enhance_prompt" in body and not isinstance(body["enhance_prompt"], bool):
        lines.append(
            f"[enhance_prompt] Expected boolean, received {_type_name(body['enhance_prompt'])}"
        )
    return lines


def _url_problems(urls: Any) -> list[str]:
    if urls is None:
        return ["[video_urls] Required"]
    if not isinstance(urls, list):
        return [f"[video_urls] Expected array, received {_type_name(urls)}"]
    if not urls:
        return ["[video_urls] Array must contain at least 1 element(s)"]
    if len(urls) > 3:
        return ["[video_urls] Array must contain at most 3 element(s)"]
    lines = []
    for index, url in enumerate(urls):
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
            lines.append(f"[video_urls.{index}] Invalid url")
    return lines
