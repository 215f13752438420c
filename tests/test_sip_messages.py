"""The SIP user agent's pieces on their own: messages, SDP, RTP, jitter buffer, DTMF, digest, transfer, G.711 edge."""

import hashlib
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from voice_therapist.telephony.digest import DigestError, authorization, parse_challenge
from voice_therapist.telephony.dtmf import DtmfEvent, DtmfError, DtmfReceiver, parse_event
from voice_therapist.telephony.jitter import Gap, JitterBuffer
from voice_therapist.audio.stream_resample import from_internal_frames, to_internal_frames
from voice_therapist.telephony.narrowband import TelephoneCodec, narrowband_roundtrip
from voice_therapist.telephony.rtp import RtpError, RtpPacket, RtpSender, parse_rtp
from voice_therapist.telephony.sdp import SdpError, build_answer, build_offer, negotiate, parse_sdp
from voice_therapist.telephony.sip_message import (MAX_MESSAGE_BYTES, SipMessage, SipMessageError, parse_message,
                                                   response_to)
from voice_therapist.telephony.sip_uri import parse_name_addr, parse_uri, parse_via
from voice_therapist.telephony.transfer import (TransferError, TransferOffer, TransferOutcome, outcome_of,
                                                sipfrag_status, transfer_target)
from voice_therapist.telephony.user_agent import caller_id

OFFER = (
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\n"
    "s=-\r\n"
    "c=IN IP4 192.0.2.10\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 8 0 101\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=sendrecv\r\n"
)


def invite(body: str = OFFER, **replace) -> bytes:
    headers = {
        "Via": "SIP/2.0/UDP 192.0.2.10:5062;branch=z9hG4bK776asdhds;rport",
        "Max-Forwards": "70",
        "To": "<sip:therapist@192.0.2.1>",
        "From": '"Alice" <sip:+15550100@192.0.2.10>;tag=1928301774',
        "Call-ID": "a84b4c76e66710@192.0.2.10",
        "CSeq": "314159 INVITE",
        "Contact": "<sip:alice@192.0.2.10:5062>",
        "Content-Type": "application/sdp",
    }
    headers.update(replace)
    lines = ["INVITE sip:therapist@192.0.2.1 SIP/2.0"] + [f"{k}: {v}" for k, v in headers.items() if v is not None]
    lines.append(f"Content-Length: {len(body.encode())}")
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


# --- SIP messages ------------------------------------------------------------------------------
def test_an_invite_is_parsed_with_its_headers_and_body():
    message = parse_message(invite())
    assert message.is_request and message.method == "INVITE" and message.uri == "sip:therapist@192.0.2.1"
    assert message.cseq == (314159, "INVITE") and message.call_id == "a84b4c76e66710@192.0.2.10"
    assert message.body.decode() == OFFER
    assert parse_name_addr(message.get("from")).tag == "1928301774"  # header names are case-insensitive


def test_compact_forms_folded_lines_and_lf_only_messages_are_read():
    data = (b"OPTIONS sip:x@h SIP/2.0\nv: SIP/2.0/UDP h:5060;branch=z9hG4bKx\nf: <sip:a@h>;tag=1\nt: <sip:x@h>\n"
            b"i: abc\nCSeq: 1\n OPTIONS\nl: 0\n\n")
    message = parse_message(data)
    assert message.get("Call-ID") == "abc" and message.get("From") == "<sip:a@h>;tag=1"
    assert message.cseq == (1, "OPTIONS")


def test_a_response_copies_the_dialog_headers_and_tags_the_to():
    request = parse_message(invite())
    data = response_to(request, 200, "OK", to_tag="abc", headers=[("Contact", "<sip:me@h>")], body=b"v=0\r\n").to_bytes()
    response = parse_message(data)
    assert response.status == 200 and not response.is_request
    assert parse_name_addr(response.get("To")).tag == "abc"
    assert response.get("Via") == request.get("Via") and response.get("CSeq") == "314159 INVITE"
    assert response.get("Content-Length") == "5" and response.body == b"v=0\r\n"


def test_a_retransmitted_response_keeps_the_senders_to_tag():
    request = parse_message(invite(To="<sip:therapist@192.0.2.1>;tag=ours"))
    assert parse_name_addr(response_to(request, 200, "OK", to_tag="other").get("To")).tag == "ours"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"\x00\xff\xfe garbage", "UTF-8"),
    (b"HELLO\r\n\r\n", "request line"),
    (b"INVITE sip:x@h SIP/3.0\r\n\r\n", "request line"),
    (b"SIP/2.0 99 Odd\r\n\r\n", "status line"),
    (b"INVITE nouri SIP/2.0\r\n\r\n", "scheme"),
    (invite(**{"Call-ID": None}), "missing Call-ID"),
    (invite(Via=None, CSeq=None), "missing Via, CSeq"),
    (invite(CSeq="abc INVITE"), "CSeq"),
    (invite(CSeq="1 BYE"), "does not match"),
    (re.sub(rb"Content-Length: \d+", b"Content-Length: 9999", invite()), "body bytes"),
    (re.sub(rb"Content-Length: \d+", b"Content-Length: -1", invite()), "not a number"),
    (b"INVITE sip:x@h SIP/2.0\r\nNo colon here\r\n\r\n", "header line"),
    (b"INVITE sip:x@h SIP/2.0\r\nVia: v\r\n", "blank line"),
])
def test_malformed_messages_raise_a_clear_error(data, reason):
    with pytest.raises(SipMessageError, match=reason):
        parse_message(data)


def test_a_request_missing_headers_still_offers_its_head_for_a_400():
    with pytest.raises(SipMessageError) as caught:
        parse_message(invite(**{"Call-ID": None}))
    assert caught.value.partial is not None and caught.value.partial.method == "INVITE"
    assert caught.value.partial.get("Via")


def test_an_oversized_datagram_is_refused_but_its_head_is_readable():
    data = invite(body="a=" + "x" * MAX_MESSAGE_BYTES + "\r\n")
    with pytest.raises(SipMessageError, match="exceeds") as caught:
        parse_message(data)
    assert caught.value.partial is not None and caught.value.partial.method == "INVITE"


def test_too_many_headers_are_refused():
    data = b"OPTIONS sip:x@h SIP/2.0\r\n" + b"X-A: 1\r\n" * 200 + b"\r\n"
    with pytest.raises(SipMessageError, match="headers"):
        parse_message(data)


def test_uris_name_addrs_and_vias():
    uri = parse_uri("sip:+15550100@[2001:db8::1]:5070;transport=udp")
    assert (uri.user, uri.host_ip, uri.port, uri.params) == ("+15550100", "2001:db8::1", 5070, {"transport": "udp"})
    assert str(parse_uri("sip:alice@example.com")) == "sip:alice@example.com"
    assert parse_name_addr("sip:bob@h;tag=9").tag == "9" and parse_name_addr("sip:bob@h;tag=9").uri.params == {}
    via = parse_via("SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bKabc;rport, SIP/2.0/UDP proxy")
    assert (via.transport, via.host, via.port, via.branch) == ("UDP", "10.0.0.1", 5062, "z9hG4bKabc")
    for bad in ("mailto:x@y", "sip:", "sip:x@h:99999"):
        with pytest.raises(SipMessageError):
            parse_uri(bad)
    with pytest.raises(SipMessageError):
        parse_name_addr("<sip:x@h")
    with pytest.raises(SipMessageError):
        parse_via("HTTP/1.1 host")


def test_caller_id_prefers_the_asserted_identity():
    assert caller_id(parse_message(invite())) == "+15550100"
    asserted = parse_message(invite(**{"P-Asserted-Identity": "<sip:+15550199@trunk>"}))
    assert caller_id(asserted) == "+15550199"


# --- SDP -----------------------------------------------------------------------------------------
def test_the_offerers_codec_preference_is_answered_with_telephone_events():
    chosen = negotiate(parse_sdp(OFFER))
    assert (chosen.codec, chosen.payload_type, chosen.dtmf_payload_type) == ("PCMA", 8, 101)
    assert (chosen.remote_ip, chosen.remote_port, chosen.direction) == ("192.0.2.10", 49170, "sendrecv")
    answer = build_answer(parse_sdp(OFFER), chosen, "192.0.2.1", 20000, 42, 1).decode()
    assert "m=audio 20000 RTP/AVP 8 101\r\n" in answer and "a=rtpmap:101 telephone-event/8000" in answer
    assert "c=IN IP4 192.0.2.1" in answer and "a=sendrecv" in answer
    again = negotiate(parse_sdp(answer.replace("192.0.2.1", "192.0.2.3")))  # an answer reads back as well
    assert (again.codec, again.dtmf_payload_type) == ("PCMA", 101)


@pytest.mark.parametrize("change, direction", [
    ("a=sendrecv", "sendrecv"), ("a=sendonly", "recvonly"), ("a=recvonly", "sendonly"), ("a=inactive", "inactive"),
])
def test_hold_and_resume_directions(change, direction):
    chosen = negotiate(parse_sdp(OFFER.replace("a=sendrecv", change)))
    assert chosen.direction == direction
    assert chosen.we_send == (direction in ("sendrecv", "sendonly"))


def test_an_old_style_hold_with_a_zero_address_stops_our_audio():
    chosen = negotiate(parse_sdp(OFFER.replace("c=IN IP4 192.0.2.10", "c=IN IP4 0.0.0.0")))
    assert not chosen.we_send and chosen.we_receive


def test_other_streams_are_refused_with_port_zero_and_static_types_need_no_rtpmap():
    offer = ("v=0\r\no=- 1 1 IN IP4 10.0.0.2\r\ns=-\r\nc=IN IP4 10.0.0.2\r\nt=0 0\r\n"
             "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\nm=audio 5002 RTP/AVP 0\r\n")
    parsed = parse_sdp(offer)
    chosen = negotiate(parsed)
    assert chosen.codec == "PCMU" and chosen.dtmf_payload_type is None and chosen.remote_port == 5002
    answer = build_answer(parsed, chosen, "10.0.0.1", 20002, 1, 1).decode()
    assert answer.index("m=video 0 RTP/AVP 96") < answer.index("m=audio 20002 RTP/AVP 0")


def test_our_own_offer_lists_both_codecs_and_events():
    offer = parse_sdp(build_offer("10.0.0.1", 20004, 7, 1))
    assert offer.media[0].formats == ["0", "8", "101"] and negotiate(offer).codec == "PCMU"


@pytest.mark.parametrize("sdp, reason", [
    ("", "v=0"),
    ("v=1\r\n", "v=0"),
    ("v=0\r\nthis is not sdp\r\n", "malformed"),
    ("v=0\r\nc=IN IP4 not-an-ip\r\n", "not an IP"),
    ("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio x RTP/AVP 0\r\n", "port"),
    ("v=0\r\nc=IN IP4 10.0.0.1\r\nm=audio 4000\r\n", "m= line"),
    ("v=0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:x PCMU\r\n", "rtpmap"),
])
def test_malformed_sdp_raises_a_clear_error(sdp, reason):
    with pytest.raises(SdpError, match=reason):
        parse_sdp(sdp)


@pytest.mark.parametrize("sdp, reason", [
    (OFFER.replace("8 0 101", "96").replace("a=rtpmap:8 PCMA/8000", "a=rtpmap:96 opus/48000/2"), "no audio stream"),
    (OFFER.replace("RTP/AVP", "RTP/SAVP"), "no audio stream"),
    (OFFER.replace("c=IN IP4 192.0.2.10\r\n", ""), "no c="),
    (OFFER.replace("m=audio 49170", "m=audio 0"), "no audio stream"),
])
def test_offers_we_cannot_take_are_refused_with_the_reason(sdp, reason):
    with pytest.raises(SdpError, match=reason):
        negotiate(parse_sdp(sdp))


# --- RTP -----------------------------------------------------------------------------------------
def test_rtp_round_trip_and_sender_numbering():
    sender = RtpSender(0)
    first, second = parse_rtp(sender.packet(b"\xff" * 160, 160)), parse_rtp(sender.packet(b"\x7f" * 160, 160))
    assert first.marker and not second.marker and first.ssrc == second.ssrc
    assert second.sequence == (first.sequence + 1) & 0xFFFF
    assert second.timestamp == (first.timestamp + 160) & 0xFFFFFFFF
    sender.skip(160 * 10)  # on hold: time passes, the next packet marks a new talkspurt
    third = parse_rtp(sender.packet(b"\x00", 160))
    assert third.marker and third.timestamp == (second.timestamp + 160 * 11) & 0xFFFFFFFF


def test_rtp_with_csrcs_extension_and_padding():
    header = bytes([0x80 | 0x20 | 0x10 | 0x01, 0x08]) + (7).to_bytes(2, "big") + (800).to_bytes(4, "big") + b"SSRC"
    data = header + b"CSRC" + b"\xbe\xde\x00\x01" + b"EXT!" + b"payload" + b"\x00\x00\x03"
    packet = parse_rtp(data)
    assert (packet.payload_type, packet.sequence, packet.timestamp, packet.payload) == (8, 7, 800, b"payload")


@pytest.mark.parametrize("data, reason", [
    (b"\x80\x00", "shorter"),
    (bytes([0x40, 0]) + b"\x00" * 10, "version"),
    (bytes([0x80, 200]) + b"\x00" * 10, "RTCP"),
    (bytes([0x80 | 0x0F, 0]) + b"\x00" * 10, "longer than the packet"),
    (bytes([0x80 | 0x20, 0]) + b"\x00" * 9 + b"\xff", "longer than the packet"),
    (bytes([0x80, 0]) + b"\x00" * 2000, "larger"),
])
def test_bad_rtp_is_refused(data, reason):
    with pytest.raises(RtpError, match=reason):
        parse_rtp(data)


# --- jitter buffer ---------------------------------------------------------------------------
def test_jitter_buffer_waits_for_its_depth_then_plays_in_order():
    buffer = JitterBuffer(depth=3)
    buffer.push(10, b"a")
    buffer.push(12, b"c")
    assert buffer.pop() is Gap.EMPTY  # two waiting, depth three: still buffering
    buffer.push(11, b"b")
    assert [buffer.pop() for _ in range(3)] == [b"a", b"b", b"c"]
    assert buffer.pop() is Gap.EMPTY and buffer.stats.lost == 0


def test_jitter_buffer_drops_late_and_duplicate_packets_and_conceals_loss():
    buffer = JitterBuffer(depth=2)
    for seq in (1, 2, 4, 5):
        buffer.push(seq, bytes([seq]))
    assert buffer.pop() == b"\x01" and buffer.pop() == b"\x02"
    assert buffer.push(2, b"played already") is False and buffer.push(1, b"late") is False
    assert buffer.pop() is Gap.LOST  # 3 never came: conceal it, do not wait
    assert buffer.push(3, b"too late") is False
    assert buffer.pop() == b"\x04"
    assert buffer.push(5, b"again") is False
    assert (buffer.stats.late, buffer.stats.duplicate, buffer.stats.lost) == (3, 1, 1)  # 5 was still waiting


def test_jitter_buffer_follows_sequence_wrap_and_stream_restarts():
    buffer = JitterBuffer(depth=1)
    for seq in (65534, 65535, 0, 1):
        buffer.push(seq, seq.to_bytes(2, "big"))
    assert [int.from_bytes(buffer.pop(), "big") for _ in range(4)] == [65534, 65535, 0, 1]
    buffer.push(30000, b"new")  # a jump of half the sequence space: a restarted stream
    assert buffer.pop() == b"new" and buffer.stats.resyncs == 1
    buffer.push(5, b"other", ssrc=99)  # another SSRC: another stream
    assert buffer.pop() == b"other"


def test_jitter_buffer_bounds_its_delay():
    buffer = JitterBuffer(depth=2, max_depth=5)
    for seq in range(20):
        buffer.push(seq, bytes([seq]))
    assert len(buffer) == 5 and buffer.stats.dropped == 15
    assert buffer.pop() == bytes([15])


def test_an_underrun_does_not_skip_what_comes_later():
    buffer = JitterBuffer(depth=1)
    buffer.push(1, b"1")
    assert buffer.pop() == b"1" and buffer.pop() is Gap.EMPTY and buffer.pop() is Gap.EMPTY
    buffer.push(2, b"2")  # the peer paused (silence suppression) and goes on with the next number
    assert buffer.pop() == b"2" and buffer.stats.lost == 0


# --- DTMF ----------------------------------------------------------------------------------------
def test_a_key_press_is_reported_once_over_its_updates_and_end_packets():
    receiver = DtmfReceiver()
    packets = [DtmfEvent("5", False, 10, d).to_bytes() for d in (160, 320, 480)] + [DtmfEvent("5", True, 10, 640).to_bytes()] * 3
    digits = [receiver.feed(8000, p) for p in packets] + [receiver.feed(9600, DtmfEvent("#", True, 10, 800).to_bytes())]
    assert [d for d in digits if d] == ["5", "#"]
    assert receiver.feed(12000, DtmfEvent("5", False, 10, 160).to_bytes()) == "5"  # the same key pressed again


def test_dtmf_payloads_are_read_and_bad_ones_refused():
    assert parse_event(bytes([11, 0x8A, 0x03, 0x20])) == DtmfEvent("#", True, 10, 800)
    with pytest.raises(DtmfError):
        parse_event(b"\x01")
    with pytest.raises(DtmfError):
        parse_event(bytes([16, 0, 0, 0]))  # flash hook: not a digit


# --- digest authentication ----------------------------------------------------------------------
def test_digest_answer_matches_rfc_2617_with_qop():
    challenge = parse_challenge('Digest realm="testrealm@host.com", qop="auth,auth-int", '
                                'nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"')
    header = authorization(challenge, "GET", "/dir/index.html", "Mufasa", "Circle Of Life", 1, "0a4f113b")
    assert 'response="6629fae49393a05397450978507c4ef1"' in header  # the worked example in RFC 2617 3.5
    assert "qop=auth" in header and "nc=00000001" in header and 'opaque="5ccc069c403ebaf9f0171e9517f40e41"' in header


def test_digest_without_qop_and_unusable_challenges():
    header = authorization(parse_challenge('Digest realm="r", nonce="n"'), "REGISTER", "sip:h", "u", "p")
    ha1, ha2 = hashlib.md5(b"u:r:p").hexdigest(), hashlib.md5(b"REGISTER:sip:h").hexdigest()
    assert f'response="{hashlib.md5(f"{ha1}:n:{ha2}".encode()).hexdigest()}"' in header
    for bad in ('Basic realm="r"', 'Digest realm="r"'):
        with pytest.raises(DigestError):
            parse_challenge(bad)
    with pytest.raises(DigestError):
        authorization(parse_challenge('Digest realm="r", nonce="n", algorithm=SHA-512'), "REGISTER", "sip:h", "u", "p")


# --- transfer ------------------------------------------------------------------------------------
def test_the_transfer_is_offered_once_after_the_escalation_reply_has_played():
    offer = TransferOffer("+1988")
    assert not offer.due(assistant_active=False)  # nothing has escalated
    offer.on_event({"type": "ReplyText", "text": "..."})
    offer.on_event({"type": "Escalated", "level": "imminent", "delivered": False})
    assert not offer.due(assistant_active=True)  # the safety script is still being spoken
    assert offer.due(assistant_active=False)
    assert not offer.due(assistant_active=False)  # once


def test_transfer_targets_and_notify_bodies():
    assert transfer_target("+1988", "192.0.2.10") == "sip:+1988@192.0.2.10"
    assert transfer_target("116 123", "pbx.example") == "sip:116123@pbx.example"
    assert transfer_target("+44116123", "2001:db8::1") == "sip:+44116123@[2001:db8::1]"
    with pytest.raises(TransferError):
        transfer_target("the helpline", "h")
    assert sipfrag_status(b"SIP/2.0 100 Trying\r\n") == 100 and sipfrag_status(b"SIP/2.0 200 OK") == 200
    with pytest.raises(TransferError):
        sipfrag_status(b"not a status line")
    assert [outcome_of(s) for s in (180, 200, 486)] == [TransferOutcome.PENDING, TransferOutcome.SUCCEEDED,
                                                        TransferOutcome.FAILED]


# --- the 8 kHz edge ------------------------------------------------------------------------------
def test_the_telephone_band_passes_and_what_is_above_it_is_stopped():
    t = np.arange(16000) / 16000
    for hz, kept in ((300, True), (1000, True), (3300, True), (5000, False), (7000, False)):
        tone = (8000 * np.sin(2 * np.pi * hz * t)).astype(np.int16)
        down = from_internal_frames(8000)
        narrow = np.concatenate([down.convert(tone[i:i + 320]) for i in range(0, tone.size, 320)])
        ratio = narrow[400:].std() / tone.std()
        assert (ratio > 0.9) if kept else (ratio < 0.01), (hz, ratio)
    up = to_internal_frames(8000)
    narrow_tone = (8000 * np.sin(2 * np.pi * 1000 * np.arange(8000) / 8000)).astype(np.int16)
    wide = np.concatenate([up.convert(narrow_tone[i:i + 160]) for i in range(0, 8000, 160)])
    assert wide.size == 16000 and abs(wide[800:].std() / narrow_tone.std() - 1) < 0.05


def test_a_frame_through_g711_comes_back_as_one_frame_of_the_same_sound():
    for codec in ("PCMU", "PCMA"):
        t = np.arange(3200) / 16000
        speechlike = (6000 * np.sin(2 * np.pi * 440 * t) + 3000 * np.sin(2 * np.pi * 1200 * t)).astype(np.int16)
        back = narrowband_roundtrip(speechlike, codec)
        assert back.size == speechlike.size and narrowband_roundtrip(speechlike[:-1], codec).size == speechlike.size - 2
        delay = int(np.argmax(np.correlate(back[800:2400].astype(float), speechlike[800:1600].astype(float))))
        error = back[800 + delay:2400].astype(float) - speechlike[800:2400 - delay].astype(float)
        assert error.std() / speechlike.std() < 0.1, codec
    with pytest.raises(ValueError):
        TelephoneCodec("G729")


# --- fuzzing: anything a socket can deliver ends in a result or the module's own error ----------
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SIP_PIECES = st.sampled_from([b"INVITE sip:x@h SIP/2.0", b"SIP/2.0 200 OK", b"Via: SIP/2.0/UDP h;branch=z9hG4bK1",
                              b"From: <sip:a@h>;tag=1", b"To: <sip:b@h>", b"Call-ID: c", b"CSeq: 1 INVITE",
                              b"Content-Length: 4", b"l: 99", b"v=0", b"\r\n", b"\n", b" ", b":", b";", b"<", b">",
                              b"\x00", b"\xff", b"c=IN IP4 1.2.3.4", b"m=audio 4000 RTP/AVP 0 101"])


@FUZZ
@given(st.one_of(st.binary(max_size=600), st.lists(SIP_PIECES, max_size=30).map(b"".join)))
def test_fuzzed_sip_datagrams_never_crash_the_parser(data):
    try:
        message = parse_message(data)
    except SipMessageError:
        return
    assert isinstance(message, SipMessage)
    message.to_bytes()
    for name in ("From", "To", "Contact"):
        if message.get(name):
            try:
                parse_name_addr(message.get(name))
            except SipMessageError:
                pass


@FUZZ
@given(st.one_of(st.text(max_size=400), st.lists(st.sampled_from(
    ["v=0", "c=IN IP4 10.0.0.1", "c=IN IP6 ::1", "c=IN IP4 0.0.0.0", "m=audio 4000 RTP/AVP 0 8 101",
     "m=audio 0 RTP/AVP 0", "m=video 5 RTP/AVP 96", "a=rtpmap:101 telephone-event/8000", "a=rtpmap:0 PCMU/8000",
     "a=sendonly", "a=inactive", "a=rtpmap:", "m=", "c=", "x", "", "a=rtpmap:8 PCMA/8000/1"]),
    max_size=20).map("\r\n".join)))
def test_fuzzed_sdp_never_crashes_the_negotiation(text):
    try:
        offer = parse_sdp(text)
        chosen = negotiate(offer)
    except SdpError:
        return
    answer = build_answer(offer, chosen, "10.0.0.9", 20000, 1, 1)
    assert negotiate(parse_sdp(answer.replace(b"10.0.0.9", b"10.0.0.8"))).codec == chosen.codec


@FUZZ
@given(st.binary(max_size=1600))
def test_fuzzed_rtp_and_dtmf_payloads_never_crash(data):
    try:
        packet = parse_rtp(data)
    except RtpError:
        return
    assert isinstance(packet, RtpPacket)
    try:
        DtmfReceiver().feed(packet.timestamp, packet.payload)
    except DtmfError:
        pass


class _Sent:
    """A datagram transport that only records what the user agent sends."""

    def __init__(self):
        self.datagrams: list[bytes] = []

    def sendto(self, data, address):
        self.datagrams.append(data)

    def is_closing(self):
        return False

    def close(self):
        pass


_METHODS = st.sampled_from(["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "NOTIFY", "INFO", "REFER", "FOO", "invite"])
# For each header: a well-formed value first, then broken ones.
_HEADER_VALUES = {
    "Via": ["SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bKf", "SIP/2.0/UDP", "garbage", ""],
    "From": ["<sip:a@127.0.0.1>;tag=1", "sip:a@h", "<sip:a@h", "tel:+1555", ""],
    "To": ["<sip:b@127.0.0.1>", "<sip:b@127.0.0.1>;tag=x", "<>", ""],
    "Call-ID": ["fuzz", "other", ""],
    "CSeq": ["1 {method}", "2 {method}", "1 ACK", "x", "99999999999 INVITE", ""],
    "Contact": ["<sip:a@127.0.0.1:5070>", "*", "<bad>", ""],
    "Event": ["refer", "presence", ""],
    "Content-Type": ["application/sdp", "message/sipfrag", "application/dtmf-relay", "text/plain"],
    "Require": ["100rel", ""],
}
_BODIES = st.sampled_from([b"", OFFER.encode(), b"v=0\r\nnonsense\r\n", b"SIP/2.0 200 OK", b"Signal=5\r\nDuration=160",
                           OFFER.replace("RTP/AVP 8 0 101", "RTP/AVP 96").encode(), b"\xff\xfe"])


@st.composite
def _requests(draw):
    """Requests that are mostly well formed, so that the handlers behind the parser are reached too."""
    method = draw(_METHODS)
    lines = [f"{method} sip:therapist@127.0.0.1 SIP/2.0"]
    for name, values in _HEADER_VALUES.items():
        if draw(st.integers(0, 4)) == 0:
            continue  # left out
        value = values[0] if draw(st.integers(0, 3)) else draw(st.sampled_from(values))
        lines.append(f"{name}: {value.format(method=method.upper())}")
    body = draw(_BODIES)
    if draw(st.booleans()):
        lines.append(f"Content-Length: {len(body) if draw(st.integers(0, 3)) else draw(st.sampled_from([0, 10**6]))}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def test_fuzzed_requests_never_reach_an_unexpected_error_in_the_user_agent(caplog):
    import asyncio
    import logging

    from voice_therapist.telephony.user_agent import UaSettings, UserAgent

    class Silent:  # a session that is only reached by an INVITE that is wholly valid
        safety, assistant_active = None, False

        def tick(self, pcm, t_ms):
            return pcm

        async def aclose(self):
            pass

    answered = []

    @FUZZ
    @example(invite())
    @example(invite().replace(b"INVITE", b"OPTIONS"))
    @given(_requests())
    def feed(data):
        async def one():
            agent = UserAgent(UaSettings(rtp_port_min=40000, rtp_port_max=40100), lambda caller, emit: Silent())
            agent._transport = _Sent()
            agent.datagram_received(data, ("127.0.0.1", 5070))
            await asyncio.sleep(0.01)
            answered.extend(d for d in agent._transport.datagrams if d.startswith(b"SIP/2.0 200"))
            await agent.close(timeout_s=0.5)

        caplog.clear()
        asyncio.run(one())
        errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
        assert not errors, (data, [r.getMessage() for r in errors])

    with caplog.at_level(logging.INFO, logger="voice_therapist.telephony"):
        feed()
    assert any(b"CSeq: 314159 INVITE" in d and b"m=audio" in d for d in answered)  # the valid INVITE was answered
