"""A real browser on the talk page: headless Chromium with a WAV file as its microphone.

The page tries WebRTC first and falls back to the PCM WebSocket; the second run takes WebRTC
away from the browser to see the fallback happen. In both,
the user's words must appear in the page's captions and the assistant's reply must reach the
page as audio (the page's debug copy of what it received) that transcribes back to the welcome.
"""

import asyncio

import numpy as np
import pytest
from playwright.async_api import async_playwright

from voice_therapist.audio.wavfile import write_int16

from .server_helpers import serving
from .speech import track, wer

pytestmark = pytest.mark.speech

SENTENCE = "Hi, I feel tired and worried about my job."
LEAD_S = 2.5  # the fake microphone starts with getUserMedia; the connection takes a moment more
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 "--autoplay-policy=no-user-gesture-required"]
REPLY_SECONDS = 4.0  # of reply audio received before the session is stopped


def seed_history(storage, user: str) -> None:
    """Three earlier sessions with moods, questionnaires and a coping card, so the page has charts and a card to show."""
    for start, end in ((3, 5), (4, 4), (5, 7)):
        session = storage.start_session(user)
        storage.update_session(session, {"topic": "stress at work", "mood_start": str(start),
                                         "mood_end": str(end)}, "cbt")
        storage.end_session(session)
    storage.save_artifact(session, user, {
        "kind": "coping_card", "modality": "cbt", "situation": "a deadline at work",
        "thought": "I will fail", "adaptive_thought": "I have met hard deadlines before",
        "action": "write the first small step down"})
    for at, name, score in ((1_700_000_000, "phq9", 14), (1_701_209_600, "phq9", 9), (1_701_209_600, "gad7", 11)):
        storage.save_artifact(session, user, {"kind": "measure", "measure": name, "title": name.upper(), "at": at,
                                              "score": score, "max_score": 27 if name == "phq9" else 21,
                                              "band": "moderate", "status": "complete"})


async def talk_in_browser(running, tmp_path, artifacts, without_webrtc: bool, name: str) -> dict:
    wav = tmp_path / "user.wav"
    write_int16(wav, track(LEAD_S, SENTENCE, 30.0))  # Chromium loops the file: a long quiet tail
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                           args=CHROMIUM_ARGS + [f"--use-file-for-fake-audio-capture={wav}"])
        try:
            page = await browser.new_page(viewport={"width": 900, "height": 1100})
            if without_webrtc:
                await page.add_init_script("delete window.RTCPeerConnection;")
            console: list[str] = []
            page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
            await page.goto(f"{running.base}/?token={running.tokens['alice']}&debug=1")
            await page.wait_for_selector("#talk", state="visible", timeout=10_000)
            assert "token" not in page.url  # taken out of the address bar once stored
            await page.click("#start")
            await page.wait_for_function("() => window.vtDebug.transport", timeout=20_000)
            await page.wait_for_selector("#captions .line.user:not(.partial)", timeout=40_000)
            await page.wait_for_function(
                f"() => window.vtDebug.reply.reduce((n, f) => n + f.length, 0) >= {int(REPLY_SECONDS * 16000)}",
                timeout=40_000)
            await page.click("#help-button")  # the crisis lines, one click away
            await page.screenshot(path=str(artifacts / f"{name}.png"), full_page=True)
            await page.click("#start")  # stop
            await page.wait_for_selector("#after", state="visible", timeout=15_000)
            await page.wait_for_selector("#mood-chart circle", timeout=5_000)
            await page.screenshot(path=str(artifacts / f"{name}_after.png"), full_page=True)
            return await page.evaluate("""() => ({
                transport: window.vtDebug.transport,
                reply: window.vtDebug.reply.flat(),
                user: [...document.querySelectorAll('#captions .line.user:not(.partial) span:last-child')]
                    .map(e => e.textContent),
                assistant: [...document.querySelectorAll('#captions .line.assistant span:last-child')]
                    .map(e => e.textContent),
                resources: document.querySelector('#resources').innerText,
                card: document.querySelector('#card').innerText,
                points: document.querySelectorAll('#mood-chart circle').length,
                measure_points: [...document.querySelectorAll('#measure-chart circle title')].map(e => e.textContent),
                measure_lines: document.querySelectorAll('#measure-chart path.phq9').length,
                events: window.vtDebug.events.map(e => e.type),
            })""") | {"console": console}
        finally:
            await browser.close()


def assert_heard_welcome(models, page: dict) -> str:
    reply = np.array(page["reply"], np.int16)
    heard = models.asr.transcribe(reply)
    openings = models.protocols.responses.greeting + models.protocols.responses.returning_greeting  # before the limits
    n = lambda line: max(1, min(len(line.split()), len(heard.split())))  # noqa: E731  the shorter of the two, compared
    assert min(wer(" ".join(line.split()[:n(line)]), " ".join(heard.split()[:n(line)])) for line in openings) <= 0.35, heard
    return heard


@pytest.mark.parametrize("transport", ["WebRTC", "WebSocket"])
async def test_a_browser_talks_and_hears_the_reply(cfg, models, tmp_path, artifacts, transport):
    name = f"talk_page_{transport.lower()}"
    async with serving(cfg, models) as running:
        seed_history(running.storage, "alice")
        page = await talk_in_browser(running, tmp_path, artifacts, transport == "WebSocket", name)
        for _ in range(50):  # the page's stop ends the session and frees its place
            if running.ctx.limiter.active == 0:
                break
            await asyncio.sleep(0.1)
        assert running.ctx.limiter.active == 0 and not running.ctx.closing
        metrics = running.ctx.metrics.exposition()[0].decode()
    assert page["transport"] == transport, page["console"]
    assert page["user"] and wer(SENTENCE, page["user"][0]) <= 0.35, page["user"]
    assert page["assistant"] and page["assistant"][0], page["events"]
    heard = assert_heard_welcome(models, page)
    assert "988" in page["resources"]  # the en-US crisis line, from the session's locale
    assert "I have met hard deadlines before" in page["card"]
    assert page["points"] == 6  # three sessions, a start and an end mood each
    assert page["measure_points"] == ["PHQ9: 14 of 27 (moderate)", "PHQ9: 9 of 27 (moderate)", "GAD7: 11 of 21 (moderate)"]
    assert page["measure_lines"] == 1  # the PHQ-9 trend drawn as a line beside the mood
    door = "talk" if transport == "WebSocket" else "webrtc"
    assert f'voice_therapist_sessions_total{{door="{door}"}} 1.0' in metrics
    (artifacts / f"{name}.txt").write_text(
        f"user caption: {page['user'][0]}\nassistant caption: {page['assistant'][0]}\nreply audio heard as: {heard}\n")


async def test_the_page_asks_for_the_token_once_and_keeps_it_for_the_tab(cfg, models):
    async with serving(cfg, models) as running, async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page()
            await page.goto(running.base + "/")
            await page.wait_for_selector("#login", state="visible")
            await page.fill("#token-input", "not-a-token")
            await page.click("#token-form button")
            await page.wait_for_selector("#error:not([hidden])")
            assert "not recognised" in await page.inner_text("#error")
            await page.fill("#token-input", running.tokens["bob"])
            await page.click("#token-form button")
            await page.wait_for_selector("#talk", state="visible")
            await page.reload()  # the same tab: no second prompt
            await page.wait_for_selector("#talk", state="visible")
            assert await page.is_hidden("#login")
            await page.click("#help-button")  # crisis lines are there before any session
            assert "988" in await page.inner_text("#resources")
        finally:
            await browser.close()
