#!/usr/bin/env python3
"""Sends a caller's WAV as an RTP stream to a UDP port on 127.0.0.1, for the C example
ffi/examples/rtp_socket.c: PCMU (payload type 0) in 20 ms packets, faster than real time
(the receiver's clock starts with the first packet, so the stream stays ahead of it), one
RTCP receiver report first (RFC 5761: the same port), and optionally an RFC 4733 key.

  rtp_send.py --port P --wav IN.wav [--decoded OUT.wav] [--stop-after-ms N]
              [--interval-ms 4] [--event-pt 101 --key '#' --key-at-ms N]

--decoded writes the μ-law audio it sent, decoded (ITU-T G.711), as a 16-bit WAV: what the
receiver hears. --stop-after-ms sends only the stream's first N ms (the network dies).
"""
import argparse
import socket
import struct
import time
import wave

SSRC = 0x5EED1234
FRAME = 160
KEYS = "0123456789*#ABCD"


def ulaw_encode(x: int) -> int:
    """G.711 μ-law of a 16-bit sample."""
    sign = 0x80 if x < 0 else 0
    magnitude = min(-x if x < 0 else x, 32635) + 0x84
    exponent = magnitude.bit_length() - 8
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    return ~(sign | (exponent << 4) | mantissa) & 0xFF


def ulaw_decode(u: int) -> int:
    """The 16-bit sample of a G.711 μ-law byte."""
    u = ~u & 0xFF
    magnitude = (((u & 0x0F) << 3) + 0x84) << ((u >> 4) & 0x07)
    return 0x84 - magnitude if u & 0x80 else magnitude - 0x84


def rtp(pt: int, marker: bool, seq: int, ts: int, payload: bytes) -> bytes:
    return struct.pack("!BBHII", 0x80, (0x80 if marker else 0) | pt, seq & 0xFFFF,
                       ts & 0xFFFFFFFF, SSRC) + payload


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--wav", required=True)
    p.add_argument("--decoded")
    p.add_argument("--stop-after-ms", type=int)
    p.add_argument("--interval-ms", type=float, default=4.0)
    p.add_argument("--event-pt", type=int)
    p.add_argument("--key")
    p.add_argument("--key-at-ms", type=int)
    a = p.parse_args()

    with wave.open(a.wav, "rb") as w:
        if (w.getnchannels(), w.getsampwidth(), w.getframerate()) != (1, 2, 8000):
            raise SystemExit(f"{a.wav}: 8 kHz 16-bit mono needed")
        pcm = struct.unpack(f"<{w.getnframes()}h", w.readframes(w.getnframes()))
    if a.stop_after_ms is not None:
        pcm = pcm[: a.stop_after_ms * 8]
    ulaw = bytes(ulaw_encode(x) for x in pcm)
    if a.decoded:
        with wave.open(a.decoded, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(8000)
            w.writeframes(struct.pack(f"<{len(ulaw)}h", *(ulaw_decode(u) for u in ulaw)))

    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    dest = ("127.0.0.1", a.port)
    # An RTCP receiver report (packet type 201) on the RTP port: passed over.
    sock.sendto(struct.pack("!BBHI", 0x80, 201, 1, SSRC), dest)
    seq, ts0 = 4242, 90000
    key_frame = None if a.key_at_ms is None else a.key_at_ms * 8 // FRAME
    for i in range(0, len(ulaw), FRAME):
        frame = i // FRAME
        sock.sendto(rtp(0, frame == 0, seq, ts0 + i, ulaw[i : i + FRAME]), dest)
        seq += 1
        if frame == key_frame and a.event_pt is not None and a.key:
            # The key in three packets of growing duration, the last one marked as the end.
            code = KEYS.index(a.key)
            for k in range(3):
                end = 0x80 if k == 2 else 0
                event = struct.pack("!BBH", code, end | 10, (k + 1) * FRAME)
                sock.sendto(rtp(a.event_pt, k == 0, seq, ts0 + i, event), dest)
                seq += 1
        time.sleep(a.interval_ms / 1000)
    print(f"rtp_send: {len(ulaw) // FRAME + (len(ulaw) % FRAME > 0)} audio packets to port {a.port}")


if __name__ == "__main__":
    main()
