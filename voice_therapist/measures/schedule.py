"""When the questionnaires are offered: at the first session, then once the last offer is old enough."""

from __future__ import annotations

DAY_S = 86400


def offer_due(earlier: list[dict], scheduled: list[str], every_days: float, now: float) -> bool:
    """Due when none of the scheduled measures was offered (taken, declined or stopped) within `every_days`."""
    times = [r.get("at", 0) for r in earlier if r.get("kind") == "measure" and r.get("measure") in scheduled]
    return not times or now - max(times) >= every_days * DAY_S
