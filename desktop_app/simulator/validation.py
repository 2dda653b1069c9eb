"""The service's own body validation, reproduced with its wording (API.md section 3), for
each model as its spec says (domain/models.py): what one model takes, another refuses."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from desktop_app.domain.models import MODELS, WAN_26, ModelSpec

MODEL_ID = WAN_26.id

_ENUMS: dict[str, tuple[Any, ...]] = {
    "aspect_ratio": ("16:9", "9:16", "1:1", "4:3", "3:4"),
    "resolution": ("720p", "1080p"),
    "shot_type": ("single", "multi"),
}


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
    spec = next((m for m in MODELS if m.id == body.get("model")), None)
    if spec is None:
        expected = _expected(tuple(m.id for m in MODELS))
        lines.append(
            f"[model] Invalid enum value. Expected {expected}, received '{body.get('model')}'"
        )
        spec = WAN_26
    limits = {"prompt": spec.prompt_limit, "negative_prompt": spec.negative_prompt_limit}
    for name in ("prompt", "negative_prompt"):
        value = body.get(name)
        if value is None:
            if name == "prompt":
                lines.append("[prompt] Required")
        elif not isinstance(value, str):
            lines.append(f"[{name}] Expected string, received {_type_name(value)}")
        elif len(value) > limits[name]:
            lines.append(f"[{name}] String must contain at most {limits[name]} character(s)")
        elif name == "prompt" and not value.strip():
            lines.append("[prompt] String must contain at least 1 character(s)")
    lines.extend(_unknown_keys(body, spec))
    lines.extend(_reference_problems(body, spec))
    enums = {**_ENUMS, "duration": spec.durations}
    for name, allowed in enums.items():
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
    for name in ("enhance_prompt", "watermark"):
        if name in body and not isinstance(body[name], bool):
            lines.append(f"[{name}] Expected boolean, received {_type_name(body[name])}")
    return lines


def _unknown_keys(body: dict[str, Any], spec: ModelSpec) -> list[str]:
    """The fields this model does not have, as the service's strict schema names them."""
    has = {
        "shot_type": spec.shot_type,
        "watermark": spec.watermark,
        "image_urls": spec.takes_images,
        "first_frame_image": spec.first_frame,
    }
    unknown = [name for name, taken in has.items() if name in body and not taken]
    return (
        [f"Unrecognized key(s) in object: {', '.join(repr(n) for n in unknown)}"] if unknown else []
    )


def _reference_problems(body: dict[str, Any], spec: ModelSpec) -> list[str]:
    if not spec.takes_images:
        return _url_problems("video_urls", body.get("video_urls"), 1, spec.max_videos)
    lines = []
    count = 0
    for name, most in (("video_urls", spec.max_videos), ("image_urls", spec.max_images)):
        if name in body:
            lines.extend(_url_problems(name, body[name], 0, most))
            count += len(body[name]) if isinstance(body[name], list) else 0
    if not lines and not 1 <= count <= spec.max_references:
        lines.append(
            f"[video_urls] Provide between 1 and {spec.max_references} references "
            "(video_urls and image_urls together)"
        )
    frame = body.get("first_frame_image")
    if "first_frame_image" in body and not _is_url(frame):
        lines.append("[first_frame_image] Invalid url")
    return lines


def _is_url(value: Any) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname)


def _url_problems(name: str, urls: Any, least: int, most: int) -> list[str]:
    if urls is None:
        return [f"[{name}] Required"] if least else []
    if not isinstance(urls, list):
        return [f"[{name}] Expected array, received {_type_name(urls)}"]
    if len(urls) < least:
        return [f"[{name}] Array must contain at least {least} element(s)"]
    if len(urls) > most:
        return [f"[{name}] Array must contain at most {most} element(s)"]
    return [f"[{name}.{index}] Invalid url" for index, url in enumerate(urls) if not _is_url(url)]
