// The talk page: microphone to the server over WebRTC (or, failing that, a WebSocket of PCM
// frames), the assistant's voice back, live captions, and after the session the latest card
// and a mood chart. Add ?debug=1 to keep a copy of the received reply audio in window.vtDebug.
"use strict";

(() => {
  const params = new URLSearchParams(location.search);
  const forcedTransport = params.get("transport"); // "websocket" skips WebRTC
  const debug = params.get("debug") === "1" ? (window.vtDebug = { events: [], reply: [], transport: null }) : null;
  const $ = (id) => document.getElementById(id);
  const RESOURCE_LABELS = { crisis_line: "Crisis line", emergency: "Emergency services", youth_line: "Under 18",
                            abuse_line: "Abuse or violence at home" };
  const ELEVATED = new Set(["passive", "active", "plan", "imminent", "harm_others", "abuse"]);

  const state = { token: null, live: false, conn: null, audio: null, partialEl: null, replyEl: null };

  // --- token ---------------------------------------------------------------------------
  function takeToken() {
    const fromUrl = params.get("token");
    if (fromUrl) {
      sessionStorage.setItem("vt-token", fromUrl);
      params.delete("token"); // keep it out of the address bar, history and screenshots
      const rest = params.toString();
      history.replaceState(null, "", location.pathname + (rest ? "?" + rest : ""));
    }
    return sessionStorage.getItem("vt-token");
  }

  async function api(path) {
    const res = await fetch(path, { headers: { Authorization: "Bearer " + state.token } });
    if (res.status === 401) throw new AuthError();
    if (!res.ok) throw new Error((await res.json()).error || res.statusText);
    return res.json();
  }

  class AuthError extends Error { constructor() { super("That token was not recognised."); } }

  async function signIn(token) {
    state.token = token;
    try {
      await api("/api/me");
    } catch (err) {
      sessionStorage.removeItem("vt-token");
      showLogin(err.message);
      return;
    }
    sessionStorage.setItem("vt-token", token);
    $("login").hidden = true;
    $("talk").hidden = false;
    showError("");
  }

  function showLogin(message) {
    $("talk").hidden = true;
    $("login").hidden = false;
    showError(message || "");
  }

  // --- crisis resources, always one click away ------------------------------------------
  async function loadResources() {
    const res = await fetch("/api/resources");
    renderResources((await res.json()).resources);
  }

  function renderResources(resources) {
    const list = $("resources");
    list.replaceChildren();
    for (const [key, label] of Object.entries(RESOURCE_LABELS)) {
      if (!resources[key]) continue;
      const li = document.createElement("li");
      const b = document.createElement("strong");
      b.textContent = label + ": ";
      li.append(b, resources[key]);
      list.append(li);
    }
  }

  function showHelp(open) {
    $("help").hidden = !open;
    $("help-button").setAttribute("aria-expanded", String(open));
  }

  // --- audio ----------------------------------------------------------------------------
  async function openAudio() {
    const stream = await navigator.mediaDevices.getUserMedia({
      audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, channelCount: 1 } });
    let ctx = new AudioContext({ sampleRate: 16000 });
    let source;
    try {
      source = ctx.createMediaStreamSource(stream);
    } catch (err) { // some browsers cannot resample a microphone into a 16 kHz context
      await ctx.close();
      ctx = new AudioContext({ sampleRate: 48000 });
      source = ctx.createMediaStreamSource(stream);
    }
    await ctx.audioWorklet.addModule("/static/worklets.js");
    const sink = ctx.createGain(); // silent: keeps the taps running without playing them
    sink.gain.value = 0;
    sink.connect(ctx.destination);
    const capture = new AudioWorkletNode(ctx, "capture");
    source.connect(capture);
    capture.connect(sink);
    capture.port.onmessage = ({ data }) => {
      $("level").style.width = Math.min(100, Math.round(data.rms * 600)) + "%";
      if (state.conn && state.conn.sendFrame) state.conn.sendFrame(data.pcm);
    };
    return { ctx, stream, sink, capture };
  }

  function keepReply(pcm) {
    if (debug && pcm.some((s) => s !== 0)) debug.reply.push(Array.from(pcm));
  }

  // --- WebRTC: Opus both ways, events on a data channel ----------------------------------
  async function connectWebRtc(audio) {
    const pc = new RTCPeerConnection({ iceServers: [] });
    audio.stream.getAudioTracks().forEach((t) => pc.addTrack(t, audio.stream));
    const channel = pc.createDataChannel("events");
    channel.onmessage = (e) => handleEvent(JSON.parse(e.data));
    const player = new Audio();
    player.autoplay = true;
    pc.ontrack = (e) => {
      const remote = e.streams[0] || new MediaStream([e.track]);
      player.srcObject = remote;
      const tap = new AudioWorkletNode(audio.ctx, "capture"); // the reply as it arrives, for debug
      audio.ctx.createMediaStreamSource(remote).connect(tap);
      tap.connect(audio.sink);
      tap.port.onmessage = ({ data }) => keepReply(data.pcm);
    };
    await pc.setLocalDescription(await pc.createOffer());
    await iceGathered(pc, 3000);
    const res = await fetch("/webrtc/offer", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer " + state.token },
      body: JSON.stringify({ sdp: pc.localDescription.sdp, type: "offer" }) });
    const body = await res.json();
    if (!res.ok) {
      pc.close();
      if (res.status === 401) throw new AuthError();
      throw Object.assign(new Error(body.error), { final: res.status === 403 || res.status === 503 });
    }
    await pc.setRemoteDescription(body);
    await connected(pc, 8000);
    pc.onconnectionstatechange = () => {
      if (["failed", "closed", "disconnected"].includes(pc.connectionState)) finish("The connection was lost.");
    };
    return {
      kind: "WebRTC",
      sendFrame: null, // the microphone track itself carries the audio
      stop() {
        if (channel.readyState === "open") channel.send(JSON.stringify({ type: "stop" }));
        pc.onconnectionstatechange = null;
        setTimeout(() => pc.close(), 300);
        player.srcObject = null;
      },
    };
  }

  function iceGathered(pc, ms) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { if (pc.iceGatheringState === "complete") resolve(); };
      pc.addEventListener("icegatheringstatechange", done);
      setTimeout(resolve, ms); // host candidates come at once; do not wait forever for others
    });
  }

  function connected(pc, ms) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("WebRTC did not connect")), ms);
      const check = () => {
        if (pc.connectionState === "connected") { clearTimeout(timer); resolve(); }
        if (pc.connectionState === "failed") { clearTimeout(timer); reject(new Error("WebRTC failed")); }
      };
      pc.addEventListener("connectionstatechange", check);
      check();
    });
  }

  // --- WebSocket: PCM frames both ways, events as JSON text ------------------------------
  function connectSocket(audio) {
    const rate = audio.ctx.sampleRate;
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    const ws = new WebSocket(scheme + location.host + "/ws/talk?token=" + encodeURIComponent(state.token));
    ws.binaryType = "arraybuffer";
    const playback = new AudioWorkletNode(audio.ctx, "playback");
    playback.connect(audio.ctx.destination);
    return new Promise((resolve, reject) => {
      ws.onopen = () => {
        ws.send(JSON.stringify({ type: "start", sample_rate: rate }));
        resolve({
          kind: "WebSocket",
          sendFrame(pcm) { if (ws.readyState === WebSocket.OPEN) ws.send(pcm.buffer); },
          stop() {
            if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "stop" }));
            playback.port.postMessage({ clear: true });
          },
        });
      };
      ws.onerror = () => reject(new Error("could not reach the server"));
      ws.onmessage = (e) => {
        if (typeof e.data === "string") {
          const event = JSON.parse(e.data);
          if (event.type === "clear") playback.port.postMessage({ clear: true }); // barge-in: drop queued audio
          handleEvent(event);
          return;
        }
        const pcm = new Int16Array(e.data);
        if (pcm.some((s) => s !== 0)) { // silence need not queue up behind nothing
          playback.port.postMessage({ pcm });
          keepReply(pcm);
        }
      };
      ws.onclose = (e) => {
        if (e.code === 4401) { finish(); showLogin("That token was not recognised."); return; }
        if (e.code >= 4000 || e.code === 1009) finish(e.reason || "The server closed the session.");
        else finish();
      };
    });
  }

  // --- the session ----------------------------------------------------------------------
  async function start() {
    const button = $("start");
    button.disabled = true;
    setStatus("Starting…");
    $("after").hidden = true;
    try {
      state.audio = await openAudio();
      state.live = true;
      if (forcedTransport !== "websocket") {
        try {
          state.conn = await connectWebRtc(state.audio);
        } catch (err) {
          if (err instanceof AuthError || err.final) throw err;
          console.warn("WebRTC unavailable, using the WebSocket:", err.message);
        }
      }
      if (!state.conn) state.conn = await connectSocket(state.audio);
      if (debug) debug.transport = state.conn.kind;
      $("transport").textContent = "via " + state.conn.kind;
      button.textContent = "Stop";
      button.classList.add("live");
      setStatus("Listening. Say hello when you are ready.");
    } catch (err) {
      finish();
      if (err instanceof AuthError) showLogin(err.message);
      else showError(err.message || String(err));
    } finally {
      button.disabled = false;
    }
  }

  function stop() {
    if (state.conn) state.conn.stop();
    finish();
  }

  function finish(message) {
    if (!state.live) return;
    state.live = false;
    const { conn, audio } = state;
    state.conn = null;
    state.audio = null;
    if (audio) {
      audio.stream.getTracks().forEach((t) => t.stop());
      setTimeout(() => audio.ctx.close(), 500);
    }
    if (conn && message) conn.stop();
    $("start").textContent = "Start talking";
    $("start").classList.remove("live");
    $("level").style.width = "0";
    setStatus(message || "Session ended. Take a moment for yourself.");
    setTimeout(showAfter, 800); // the last turn's card and mood are saved as the session closes
  }

  // --- events -> captions and status ------------------------------------------------------
  function handleEvent(event) {
    if (debug) debug.events.push(event);
    switch (event.type) {
      case "Transcript": return userCaption(event.text, event.final);
      case "ReplyText": setStatus("Speaking…"); return assistantCaption(event.text);
      case "Move":
        $("modality").textContent = pretty(event.modality);
        $("step").textContent = pretty(event.step);
        return;
      case "Routed": $("modality").textContent = pretty(event.modality); return;
      case "Risk": if (ELEVATED.has(event.level)) showHelp(true); return;
      case "resources": renderResources(event.resources); return;
      case "SpeechStarted": state.replyEl = null; setStatus("Listening…"); return;
      case "SpeechEnded": setStatus("Thinking…"); return;
      case "Interrupt": state.replyEl = null; return;
      case "turn": setStatus("Listening."); return;
      case "error": showError(event.message); return;
      case "ended": if (event.reason === "time_limit") finish("This session reached its time limit."); return;
    }
  }

  function userCaption(text, final) {
    if (!state.partialEl) state.partialEl = addLine("user", "You");
    state.partialEl.lastChild.textContent = text;
    state.partialEl.classList.toggle("partial", !final);
    if (final) state.partialEl = null;
    state.replyEl = null;
  }

  function assistantCaption(text) {
    if (!state.replyEl) state.replyEl = addLine("assistant", "Assistant");
    const span = state.replyEl.lastChild;
    span.textContent = (span.textContent ? span.textContent + " " : "") + text;
  }

  function addLine(kind, who) {
    const line = document.createElement("p");
    line.className = "line " + kind;
    const label = document.createElement("span");
    label.className = "who";
    label.textContent = who;
    line.append(label, document.createElement("span"));
    $("captions").append(line);
    $("captions").scrollTop = $("captions").scrollHeight;
    return line;
  }

  // --- after the session: the latest card and the mood chart ------------------------------
  async function showAfter() {
    try {
      const [cards, moods, measures] = await Promise.all([api("/api/me/cards"), api("/api/me/moods"),
                                                          api("/api/me/measures")]);
      renderCard(cards);
      renderMoods(moods.sessions);
      renderMeasures(measures.measures);
      $("after").hidden = false;
    } catch (err) {
      if (err instanceof AuthError) showLogin(err.message);
    }
  }

  function renderCard(cards) {
    const box = $("card");
    box.replaceChildren();
    const card = cards.coping_cards[cards.coping_cards.length - 1];
    const step = cards.next_steps[cards.next_steps.length - 1];
    const fields = card ? [["Situation", card.situation], ["The thought", card.thought],
                           ["A more balanced thought", card.adaptive_thought], ["What you will do", card.action]]
                        : step ? [["Your next small step", step.step]] : [];
    if (!fields.length) {
      box.textContent = "No coping card yet. One is made when you work through a thought together.";
      return;
    }
    const title = document.createElement("h3");
    title.textContent = card ? "Your latest coping card" : "Your next step";
    const dl = document.createElement("dl");
    for (const [label, value] of fields) {
      if (!value) continue;
      const dt = document.createElement("dt");
      dt.textContent = label;
      const dd = document.createElement("dd");
      dd.textContent = value;
      dl.append(dt, dd);
    }
    box.append(title, dl);
  }

  function renderMoods(sessions) {
    const svg = $("mood-chart");
    svg.replaceChildren();
    const W = 400, H = 180, left = 28, right = 12, top = 12, bottom = 26;
    const x = (i) => left + (sessions.length < 2 ? (W - left - right) / 2 : i * (W - left - right) / (sessions.length - 1));
    const y = (v) => top + (10 - v) * (H - top - bottom) / 10;
    const el = (name, attrs, text) => {
      const node = document.createElementNS("http://www.w3.org/2000/svg", name);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
      if (text !== undefined) node.textContent = text;
      svg.append(node);
      return node;
    };
    for (const v of [0, 5, 10]) {
      el("line", { x1: left, x2: W - right, y1: y(v), y2: y(v), class: "axis" });
      el("text", { x: left - 6, y: y(v) + 3, "text-anchor": "end" }, String(v));
    }
    if (!sessions.length) {
      el("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, "No mood ratings yet.");
      return;
    }
    sessions.forEach((s, i) => {
      const day = new Date(s.started_at * 1000);
      const anchor = sessions.length < 2 ? "middle" : i === 0 ? "start" : i === sessions.length - 1 ? "end" : "middle";
      if (sessions.length <= 8 || i === 0 || i === sessions.length - 1)
        el("text", { x: x(i), y: H - 8, "text-anchor": anchor }, `${day.getMonth() + 1}/${day.getDate()}`);
    });
    for (const key of ["mood_start", "mood_end"]) {
      const cls = key === "mood_start" ? "start" : "end";
      const points = sessions.map((s, i) => [i, s[key]]).filter(([, v]) => v !== null && v !== undefined);
      if (points.length > 1)
        el("path", { d: points.map(([i, v], n) => `${n ? "L" : "M"}${x(i)},${y(v)}`).join(" "), class: cls });
      for (const [i, v] of points) el("circle", { cx: x(i), cy: y(v), r: 4, class: cls }).append(
        Object.assign(document.createElementNS("http://www.w3.org/2000/svg", "title"),
                      { textContent: `${cls === "start" ? "Start" : "End"}: ${v}` }));
    }
  }

  // PHQ-9 and GAD-7 over time, each as a share of its own maximum, beside the mood chart.
  function renderMeasures(measures) {
    const svg = $("measure-chart");
    svg.replaceChildren();
    const W = 400, H = 180, left = 28, right = 12, top = 12, bottom = 26;
    const times = measures.map((m) => m.at);
    const t0 = Math.min(...times), t1 = Math.max(...times);
    const x = (t) => left + (t1 === t0 ? (W - left - right) / 2 : (t - t0) * (W - left - right) / (t1 - t0));
    const y = (share) => top + (1 - share) * (H - top - bottom);
    const el = (name, attrs, text) => {
      const node = document.createElementNS("http://www.w3.org/2000/svg", name);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
      if (text !== undefined) node.textContent = text;
      svg.append(node);
      return node;
    };
    for (const share of [0, 0.5, 1]) {
      el("line", { x1: left, x2: W - right, y1: y(share), y2: y(share), class: "axis" });
      el("text", { x: left - 6, y: y(share) + 3, "text-anchor": "end" }, share === 1 ? "max" : share ? "" : "0");
    }
    if (!measures.length) {
      el("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, "No questionnaires yet.");
      return;
    }
    for (const name of ["phq9", "gad7"]) {
      const points = measures.filter((m) => m.measure === name);
      if (points.length > 1)
        el("path", { d: points.map((m, n) => `${n ? "L" : "M"}${x(m.at)},${y(m.score / m.max_score)}`).join(" "), class: name });
      for (const m of points) el("circle", { cx: x(m.at), cy: y(m.score / m.max_score), r: 4, class: name }).append(
        Object.assign(document.createElementNS("http://www.w3.org/2000/svg", "title"),
                      { textContent: `${m.title}: ${m.score} of ${m.max_score} (${m.band})` }));
    }
    for (const [t, anchor] of [[t0, "start"], [t1, "end"]]) {
      const day = new Date(t * 1000);
      el("text", { x: x(t), y: H - 8, "text-anchor": t1 === t0 ? "middle" : anchor }, `${day.getMonth() + 1}/${day.getDate()}`);
      if (t1 === t0) break;
    }
  }

  // --- small helpers --------------------------------------------------------------------
  function pretty(name) {
    const known = { cbt: "CBT", sfbt: "Solution-focused", efit: "Emotion-focused", gestalt: "Gestalt",
                    quick_help: "Quick help" };
    const text = known[name] || (name ? name.replace(/_/g, " ") : "—");
    return text.charAt(0).toUpperCase() + text.slice(1);
  }

  function setStatus(text) { $("status").textContent = text; }

  function showError(text) {
    $("error").textContent = text;
    $("error").hidden = !text;
  }

  // --- wiring -----------------------------------------------------------------------------
  document.addEventListener("DOMContentLoaded", () => {
    $("help-button").addEventListener("click", () => showHelp($("help").hidden));
    $("help-close").addEventListener("click", () => showHelp(false));
    $("start").addEventListener("click", () => (state.live ? stop() : start()));
    $("token-form").addEventListener("submit", (e) => {
      e.preventDefault();
      signIn($("token-input").value.trim());
    });
    loadResources().catch(() => {});
    const token = takeToken();
    if (token) signIn(token); else showLogin();
  });
})();
