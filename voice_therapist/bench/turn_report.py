"""The turn-taking benchmark as Markdown: held-out figures first, then the curve."""

from __future__ import annotations


def _ms(spread: dict) -> str:
    return f"{spread['median_ms']} / {spread['p95_ms']}" if spread.get("n") else "n/a"


def _pct(rate) -> str:
    return "n/a" if rate is None else f"{100 * rate:.1f}%"


def turns_markdown(r: dict) -> str:
    u = r["utterances"]
    lines = [
        "## Turn taking (voice-therapist bench --turns)",
        "",
        f"{u['all']} espeak-ng utterances ({u['finished']} finished, {u['paused']} with a "
        f"{u['pause_s'][0]}-{u['pause_s'][1]} s pause inside), voices {', '.join(u['voices'])}; "
        f"settings chosen on {u['tune']} (tuning part), reported on {u['held_out']} held out. "
        f"{r['settings_tried']} settings tried; {r['pauses_judged']} pauses judged.",
        "",
        "### Decisions, held-out part",
        "",
        "| rule | false cut-offs (paused) | false cut-offs (finished) | endpoint on finished, median / p95 ms |",
        "|---|---|---|---|",
    ]
    for name, label in (("silence_500ms", "old: 500 ms of silence"), ("model_configured", "model, config/default.yaml"),
                        ("model_chosen", "model, chosen on the tuning part")):
        h = r["held_out"][name]
        lines.append(f"| {label} | {_pct(h['false_cut_offs_paused'])} of {h['n_paused']} | "
                     f"{_pct(h['false_cut_offs_finished'])} of {h['n_finished']} | {_ms(h['endpoint_finished_ms'])} |")
    lines += ["", f"Chosen setting: `{r['chosen']}`", "",
              "By where the pause falls (held out, chosen setting): " + ", ".join(
                  f"{k} {_pct(v['false_cut_offs'])} of {v['n']}" for k, v in r["by_kind_held_out"].items()), ""]
    live = r.get("live")
    if live:
        lines += ["### Live, real time through VoiceSession (held-out utterances, same run)", "",
                  "| rule | false cut-offs (paused) | first audio on finished, median / p95 ms | endpoint median / p95 ms "
                  "| by reply source (share, median / p95 ms) | hold-ons said |",
                  "|---|---|---|---|---|---|"]
        for name in ("silence_500ms", "model"):
            x = live[name]
            sources = "; ".join(f"{k}: {100 * v['share']:.0f}%, {v['median_ms']} / {v['p95_ms']}"
                                for k, v in x["by_reply_source"].items()) or "n/a"
            lines.append(f"| {name} | {_pct(x['false_cut_offs_paused'])} of {x['n_paused']} | "
                         f"{_ms(x['first_audio_finished_ms'])} | {_ms(x['endpoint_finished_ms'])} | {sources} | "
                         f"{x['held_on']} |")
        lines.append("")
    lines += ["### Trade-off curve (tuning part): settings no other beats on both", "",
              "| false cut-offs (paused) | median endpoint ms | p95 endpoint ms | setting |", "|---|---|---|---|"]
    for c in r["curve"]:
        lines.append(f"| {_pct(c['false_cut_offs_paused'])} | {c['median_endpoint_ms']} | {c['p95_endpoint_ms']} | "
                     f"`{c['setting']}` |")
    lines += ["", "Silence-only rule at other lengths:", "", "| silence ms | cut-offs tune | cut-offs held out | "
              "median endpoint ms |", "|---|---|---|---|"]
    for ms, c in r["silence_curve"].items():
        lines.append(f"| {ms} | {_pct(c['tune']['false_cut_offs_paused'])} | {_pct(c['held_out']['false_cut_offs_paused'])}"
                     f" | {c['held_out']['endpoint_finished_ms']['median_ms']} |")
    t = r["targets"]
    lines += ["", f"Targets: false cut-offs <= {_pct(t['false_cut_offs_at_most'])} (held out: "
              f"{_pct(t['held_out_false_cut_offs_paused'])}, met: {t['met_cut_offs']}); median first audio on finished "
              f"no worse than the old rule in the same run (met: {t['met_latency']}).", ""]
    return "\n".join(lines)
