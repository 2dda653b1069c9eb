"""What a reference row says: its slot and whose take it is, the file and where it is, the
badge of anything wrong (check failed, the service's words, not found, too long), upload
progress, and what its check found (length, size, warnings)."""

from __future__ import annotations

from desktop_app.domain.models import ModelSpec
from desktop_app.ui.reference_checks import ReferenceChecks
from desktop_app.ui.reference_rows import describe_link


def row_lines(
    slot_name: str,
    url: str,
    checks: ReferenceChecks,
    spec: ModelSpec,
    *,
    upload: tuple[int, int] | None,
    character: str | None,
    missing: bool,
) -> list[str]:
    """The row's lines: the first names it, the others say what is known of it."""
    host, name = describe_link(url)
    badge = "⚠ CHECK FAILED · " if checks.failed(url) else ""
    said = checks.service_said(url)
    if said is not None:
        badge = f"⚠ THE SERVICE SAID: {said} · "
    where = "this computer" if url.lower().startswith("file:") else host
    if missing:
        badge = "⚠ NOT FOUND · "
        where = "moved or renamed? Double-click to locate it"
    check = checks.check_of(url)
    if check is not None and check.too_long_s is not None:
        badge = f"⚠ {check.too_long_s:.0f} s, TOO LONG · "
        where = "double-click to send a part of it"
    whose = f"{character} · " if character else ""
    lines = [f"{badge}{slot_name} · {whose}{name} · {where}"]
    if upload is not None:
        sent, total = upload
        lines.append(f"uploading to your storage: {sent * 100 // max(total, 1)}%")
    details = row_details(url, checks, spec)
    if details:
        lines.append("; ".join(details))
    return lines


def row_details(url: str, checks: ReferenceChecks, spec: ModelSpec) -> list[str]:
    facts, still = checks.facts_of(url), checks.still_of(url)
    check, problem = checks.check_of(url), checks.problem_of(url)
    details = []
    if still is not None:
        details.append(f"still, {still.size.width()}×{still.size.height()}")
    elif facts is not None:
        details.append(f"{facts.duration_s:.1f} s, {facts.size.width()}×{facts.size.height()}")
        shortest, longest = spec.video_seconds
        if not shortest <= facts.duration_s <= longest:
            details.append(f"⚠ reference clips should last {shortest:g} to {longest:g} s")
    elif problem is not None:
        details.append(f"no preview here ({problem})")
    if check is not None:
        if check.size is not None:
            details.append(f"{check.size / 1_048_576:.1f} MB")
        details.extend(f"⚠ {w}" for w in check.warnings)
    elif facts is None and still is None:
        details.append("checking…")
    return details
