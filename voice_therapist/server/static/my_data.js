// "Your data" on the talk page: download everything, see who read it, delete all of it.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  const CONFIRM = "forget everything";

  function headers(extra) {
    return Object.assign({ Authorization: "Bearer " + sessionStorage.getItem("vt-token") }, extra || {});
  }

  function say(text) { $("data-status").textContent = text; }

  async function download() {
    const res = await fetch("/api/me/export", { headers: headers() });
    if (!res.ok) return say("The export failed: " + ((await res.json()).error || res.statusText));
    const url = URL.createObjectURL(await res.blob());
    const link = Object.assign(document.createElement("a"), { href: url, download: "voice-therapist-export.json" });
    document.body.append(link);
    link.click();
    link.remove();
    URL.revokeObjectURL(url);
    say("Your data was downloaded.");
  }

  async function showAccess() {
    const res = await fetch("/api/me/access-log", { headers: headers() });
    if (!res.ok) return say("Could not load the access log.");
    const list = $("access-log");
    list.replaceChildren();
    const entries = (await res.json()).access_log;
    for (const entry of entries) {
      const item = document.createElement("li");
      item.textContent = `${new Date(entry.at * 1000).toLocaleString()}: ${entry.actor || entry.actor_role} — ${entry.action}`;
      list.append(item);
    }
    if (!entries.length) list.append(Object.assign(document.createElement("li"), { textContent: "Nobody has read your data." }));
    list.hidden = false;
  }

  async function forget() {
    const typed = prompt(`This deletes all your sessions, cards and plans for good. Type "${CONFIRM}" to go ahead.`);
    if (typed !== CONFIRM) return say("Nothing was deleted.");
    const res = await fetch("/api/me/forget", { method: "POST", headers: headers({ "Content-Type": "application/json" }),
                                                 body: JSON.stringify({ confirm: CONFIRM }) });
    if (!res.ok) return say("The deletion failed: " + ((await res.json()).error || res.statusText));
    sessionStorage.removeItem("vt-token");
    say("Everything was deleted, and your token no longer works.");
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("export").addEventListener("click", download);
    $("show-access").addEventListener("click", showAccess);
    $("forget").addEventListener("click", forget);
  });
})();
