"""A saved safety plan as plain text, for reading back outside a session."""

from __future__ import annotations

from ..dialogue.protocol import SafetyPlan


def read_back(plan: dict, spec: SafetyPlan, resources: dict[str, str]) -> str:
    """The plan's fields in the protocol's order, with the local crisis line at the end."""
    lines = ["Your safety plan:"]
    for field in spec.artifact.fields:
        value = plan.get(field)
        lines.append(f"- {field.replace('_', ' ').capitalize()}: {value if value else '(not filled in yet)'}")
    lines.append(f"Any time, day or night: {resources['crisis_line']}. In an emergency: {resources['emergency']}.")
    return "\n".join(lines)
