"""Speech as a pcap of RTP packets, for sipp's play_pcap_audio: a phone that talks."""

from __future__ import annotations

import struct
from pathlib import Path

PAYLOAD_BYTES = 160  # 20 ms of 8 kHz μ-law
PACKET_US = 20_000


def write_rtp_pcap(path: Path, ulaw: bytes, ssrc: int = 0x5EED) -> None:
    """One RTP packet (payload type 0, PCMU) per 20 ms of `ulaw`, timed 20 ms apart, in a classic pcap file."""
    ulaw += b"\xff" * (-len(ulaw) % PAYLOAD_BYTES)  # μ-law silence pads the last packet
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]  # pcap header, Ethernet links
    for n in range(len(ulaw) // PAYLOAD_BYTES):
        rtp = struct.pack("!BBHII", 0x80, (0x80 if n == 0 else 0) | 0, n & 0xFFFF, n * PAYLOAD_BYTES, ssrc)
        rtp += ulaw[n * PAYLOAD_BYTES:(n + 1) * PAYLOAD_BYTES]
        udp = struct.pack("!HHHH", 6000, 6000, 8 + len(rtp), 0) + rtp
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), n & 0xFFFF, 0, 64, 17, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1])) + udp
        frame = b"\x00" * 12 + b"\x08\x00" + ip  # Ethernet: no addresses needed, IPv4
        t_us = n * PACKET_US
        out.append(struct.pack("<IIII", t_us // 1_000_000, t_us % 1_000_000, len(frame), len(frame)) + frame)
    path.write_bytes(b"".join(out))
