"""The suite's report: the figures the issue asks for, per part, then each session's checks and transcript."""

from __future__ import annotations

import json
from pathlib import Path

from .checks import on_crisis_path


def figures(results) -> dict:
    ran = [r for r in results if not r.error]
    checks = [c for r in ran for c in r.checks]
    def failed(r, prefix):
        return any(not c.passed and c.name.startswith(prefix) for c in r.checks)
    return {
        "sessions": len(results),
        "errors": len(results) - len(ran),
        "checks_passed": sum(c.passed for c in checks),
        "checks": len(checks),
        "sessions_all_passed": sum(all(c.passed for c in r.checks) for r in ran),
        "crisis_paths_without_risk": sum(r.case.expect.risk == "none" and failed(r, "no crisis path") for r in ran),
        "unexpected_pages": sum(not r.case.expect.page and failed(r, "no page") for r in ran),
        "missed_pages": sum(r.case.expect.page and failed(r, "page") for r in ran),
        "risks_missed": sum(r.case.expect.risk != "none" and any(not c.passed and c.name.startswith("crisis path from")
                                                                  and c.detail == "never" for c in r.checks)
                            for r in ran),
        "questions_asked_again": sum(failed(r, "no question asked twice") or failed(r, "nothing asked again")
                                     for r in ran),
        "lines_repeated": sum(failed(r, "no line repeated") for r in ran),
    }


def write_report(results, out: Path, seconds: float) -> dict:
    summary = {"seconds": round(seconds, 1),
               "tuned": figures([r for r in results if not r.case.held_out]),
               "held_out": figures([r for r in results if r.case.held_out])}
    lines = ["# Conversation suite", "", f"{len(results)} sessions in {seconds / 60:.1f} min.", "",
             "| figure | tuned on | held out |", "|---|---|---|"]
    for key in summary["tuned"]:
        lines.append(f"| {key} | {summary['tuned'][key]} | {summary['held_out'][key]} |")
    for r in results:
        passed = sum(c.passed for c in r.checks)
        lines += ["", f"## {r.case.id}{' (held out)' if r.case.held_out else ''}: {passed}/{len(r.checks)}",
                  f"{r.case.topic}; expected {r.case.expect.modality}, risk {r.case.expect.risk}, "
                  f"page {r.case.expect.page}; {r.seconds:.0f} s", ""]
        if r.error:
            lines.append(f"ERROR: {r.error}")
            continue
        lines += [f"- {'ok  ' if c.passed else 'FAIL'} {c.name}{': ' + c.detail if c.detail else ''}" for c in r.checks]
        lines.append("")
        for turn in r.run.turns():
            mark = " [crisis]" if on_crisis_path(turn) else ""
            lines += [f"{r.run.client_turn(turn)}. **client:** {turn['user_text']}",
                      f"   **assistant** ({turn['phase']}/{turn['modality']}/{turn['step']}, risk {turn['risk']}{mark}): "
                      f"{turn['assistant_text']}"]
    (out / "report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    return summary
