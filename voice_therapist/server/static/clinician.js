// The clinician page: the clients who consented, and each one's summaries, mood trend and safety plan.
"use strict";

(() => {
  const $ = (id) => document.getElementById(id);
  let token = sessionStorage.getItem("vt-clinician-token");

  async function api(path) {
    const res = await fetch(path, { headers: { Authorization: "Bearer " + token } });
    const body = await res.json();
    if (!res.ok) throw new Error(body.error || res.statusText);
    return body;
  }

  function showError(text) { $("error").textContent = text; $("error").hidden = !text; }

  function item(list, text) { list.append(Object.assign(document.createElement("li"), { textContent: text })); }

  async function listClients() {
    try {
      const { clients } = await api("/api/clinician/clients");
      sessionStorage.setItem("vt-clinician-token", token);
      $("token-form").hidden = true;
      const list = $("clients");
      list.replaceChildren();
      for (const id of clients) {
        const button = Object.assign(document.createElement("button"), { textContent: "Client " + id.slice(0, 8) });
        button.addEventListener("click", () => showClient(id));
        const li = document.createElement("li");
        li.append(button);
        list.append(li);
      }
      if (!clients.length) item(list, "No client has given you access yet.");
      showError("");
    } catch (err) { showError(err.message); }
  }

  async function showClient(id) {
    try {
      const view = await api("/api/clinician/clients/" + encodeURIComponent(id));
      $("client-name").textContent = "Client " + id.slice(0, 8);
      for (const list of ["summaries", "moods", "measures"]) $(list).replaceChildren();
      for (const s of view.summaries || []) item($("summaries"), `${new Date(s.started_at * 1000).toLocaleDateString()}: ${s.modality || "—"} — ${s.topic || ""}`);
      for (const m of view.moods || []) item($("moods"), `${new Date(m.started_at * 1000).toLocaleDateString()}: ${m.mood_start ?? "?"} → ${m.mood_end ?? "?"}`);
      for (const m of view.measures || []) item($("measures"), `${new Date(m.at * 1000).toLocaleDateString()}: ${m.title} ${m.score} of ${m.max_score} (${m.band}${m.prorated ? ", a skipped item counted as the average" : ""})`);
      if (!view.scopes.includes("measures")) item($("measures"), "Not shared with you.");
      const plan = $("plan");
      plan.replaceChildren();
      for (const [key, value] of Object.entries(view.safety_plan || {})) {
        if (key === "kind") continue;
        plan.append(Object.assign(document.createElement("dt"), { textContent: key.replace(/_/g, " ") }),
                    Object.assign(document.createElement("dd"), { textContent: value }));
      }
      $("client").hidden = false;
    } catch (err) { showError(err.message); }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("token-form").addEventListener("submit", (e) => {
      e.preventDefault();
      token = $("token-input").value.trim();
      listClients();
    });
    if (token) listClients();
  });
})();
