#!/usr/bin/env python3
"""Writes hand-made packet captures (classic pcap) of a caller's RTP stream, for the cases
GStreamer does not make: the sender's own silence suppression, RTCP multiplexed on the
port, Linux cooked link layers, IP fragments, a codec recresp does not play, packets that
stop, and a key held past one RFC 4733 segment.

usage: craft.py CASE CALLER.wav OUT.pcap [--ulaw-wav OUT.wav]

CALLER.wav is 16-bit mono at 8 kHz; the stream is its audio coded as PCMU (G.711 μ-law),
20 ms a packet, SSRC 0x5EC00002, 127.0.0.1:40000 -> 127.0.0.1:5004, sent in real time
(each packet stamped when its audio is due). --ulaw-wav also writes the audio as μ-law
decodes it, the WAV the capture must run as. Cases:

  dtx       packets of digital silence (after the first) are not sent; the packet after a
            pause has the marker bit: contiguous sequence numbers, a timestamp jump
  rtcp-mux  RTCP on the RTP ports both ways (SR, RR, SDES, APP) and a BYE at the end
  cooked1   Linux cooked v1 (link type 113, device type loopback)
  cooked2   Linux cooked v2 (link type 276), as tcpdump -i any writes
  fragments every datagram split into IPv4 fragments of 64 bytes
  g729      payload type 18 (G.729, which recresp does not decode) instead of PCMU
  stop10    after 3.5 s no packet comes for 10 s, then the rest of the stream
  long-key  an RFC 4733 '5' from 1.0 s held 9 s: a first segment of 0xFFFF ticks, then a
            second (RFC 4733 §2.5.1.3); event packets every 50 ms beside the audio

Standard library only; deterministic.
"""
import argparse
import struct
import sys
import wave

SSRC = 0x5EC00002
SRC, DST = 40000, 5004
EVENT_PT = 101


def ulaw(x):
    """G.711 μ-law of a 16-bit sample."""
    sign = 0x80 if x < 0 else 0
    x = min(-x if x < 0 else x, 32635) + 0x84
    exponent = max(0, x.bit_length() - 8)
    mantissa = (x >> (exponent + 3)) & 0x0F
    return ~(sign | exponent << 4 | mantissa) & 0xFF


def unulaw(b):
    """The 16-bit sample a μ-law byte decodes to."""
    b = ~b & 0xFF
    x = (((b & 0x0F) << 3) + 0x84) << ((b >> 4) & 7)
    x -= 0x84
    return -x if b & 0x80 else x


def rtp(pt, seq, ts, payload, marker=False, ssrc=SSRC):
    return struct.pack(">BBHII", 0x80, pt | (0x80 if marker else 0), seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + payload


def rtcp(kind, ssrc):
    """One RTCP packet: SR, RR, SDES, APP or BYE (RFC 3550 §6.4–6.6, RFC 3550 §6.7)."""
    if kind == "SR":
        body = struct.pack(">IIIIII", ssrc, 0xE000_0000, 0, 160, 10, 1600)
        return struct.pack(">BBH", 0x80, 200, len(body) // 4) + body
    if kind == "RR":
        body = struct.pack(">I", ssrc) + struct.pack(">IIIIII", SSRC, 0, 1000, 0, 0, 0)
        return struct.pack(">BBH", 0x81, 201, len(body) // 4) + body
    if kind == "SDES":
        item = b"\x01\x0brecresp@lab" + b"\x00"
        body = struct.pack(">I", ssrc) + item + b"\x00" * (-(4 + len(item)) % 4)
        return struct.pack(">BBH", 0x81, 202, len(body) // 4) + body
    if kind == "APP":
        body = struct.pack(">I", ssrc) + b"TEST" + b"\x00\x01\x02\x03"
        return struct.pack(">BBH", 0x80, 204, len(body) // 4) + body
    body = struct.pack(">I", ssrc)
    return struct.pack(">BBH", 0x81, 203, len(body) // 4) + body


def checksum(header):
    s = sum(struct.unpack(f">{len(header) // 2}H", header))
    while s > 0xFFFF:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(ident, flags_offset, payload):
    h = struct.pack(">BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, flags_offset, 64, 17, 0,
                    bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
    return h[:10] + struct.pack(">H", checksum(h)) + h[12:] + payload


def ip_packets(src, dst, payload, ident, fragment):
    """The IPv4 packets that carry one UDP datagram: one, or fragments of `fragment` bytes."""
    udp = struct.pack(">HHHH", src, dst, 8 + len(payload), 0) + payload
    if not fragment:
        return [ipv4(ident, 0x4000, udp)]
    out = []
    for off in range(0, len(udp), fragment):
        more = off + fragment < len(udp)
        out.append(ipv4(ident, (0x2000 if more else 0) | off // 8, udp[off:off + fragment]))
    return out


LINKS = {"ethernet": 1, "cooked1": 113, "cooked2": 276}


def frame(link, packet):
    if link == "ethernet":
        return b"\x00" * 12 + b"\x08\x00" + packet
    if link == "cooked1":
        # Packet type (to us), device type 772 (loopback), address length, address (8), protocol.
        return struct.pack(">HHH8sH", 0, 772, 6, b"", 0x0800) + packet
    # Protocol, reserved, interface index, device type, packet type, address length, address (8).
    return struct.pack(">HHIHBB8s", 0x0800, 0, 1, 772, 0, 6, b"") + packet


def write_pcap(path, link, datagrams, fragment=0):
    """datagrams: (microseconds, src port, dst port, UDP payload), in capture order."""
    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, LINKS[link])]
    for n, (usec, src, dst, payload) in enumerate(datagrams):
        for p in ip_packets(src, dst, payload, n & 0xFFFF, fragment):
            f = frame(link, p)
            out.append(struct.pack("<IIII", usec // 1_000_000, usec % 1_000_000, len(f), len(f)) + f)
    open(path, "wb").write(b"".join(out))


def stream(audio, pt=0, dtx=False):
    """The caller's 20 ms packets as (microseconds, src, dst, payload)."""
    out, seq, paused = [], 1000, False
    for i in range(0, len(audio), 160):
        chunk = bytes(audio[i:i + 160])
        if dtx and i > 0 and chunk == b"\xff" * len(chunk):
            paused = True
            continue
        out.append((i * 125, SRC, DST, rtp(pt, seq, 8000 + i, chunk, marker=paused)))
        seq += 1
        paused = False
    return out


def long_key(audio):
    packets = stream(audio)
    start, held = 8000, 72000
    second = start + 0xFFFF
    events = []
    for t in range(start, start + held + 1, 400):
        end = t == start + held
        seg, dur = (start, t - start) if t < second else (second, t - second)
        for _ in range(3 if end else 1):
            payload = struct.pack(">BBH", 5, (0x80 if end else 0) | 10, dur)
            events.append((t * 125, SRC, DST, rtp(EVENT_PT, 0, 8000 + seg, payload, marker=t == start)))
    # One sequence number space for the audio and the events of the source, in sending order.
    merged = sorted(packets + events, key=lambda d: d[0])
    return [(t, s, d, p[:2] + struct.pack(">H", (1000 + n) & 0xFFFF) + p[4:]) for n, (t, s, d, p) in enumerate(merged)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["dtx", "rtcp-mux", "cooked1", "cooked2", "fragments", "g729", "stop10",
                                     "long-key"])
    ap.add_argument("wav")
    ap.add_argument("out")
    ap.add_argument("--ulaw-wav")
    a = ap.parse_args()
    w = wave.open(a.wav)
    if (w.getframerate(), w.getnchannels(), w.getsampwidth()) != (8000, 1, 2):
        sys.exit(f"{a.wav}: not 16-bit mono at 8 kHz")
    samples = struct.unpack(f"<{w.getnframes()}h", w.readframes(w.getnframes()))
    audio = [ulaw(x) for x in samples]
    if a.ulaw_wav:
        o = wave.open(a.ulaw_wav, "wb")
        o.setnchannels(1)
        o.setsampwidth(2)
        o.setframerate(8000)
        o.writeframes(struct.pack(f"<{len(audio)}h", *(unulaw(b) for b in audio)))
        o.close()
    link, fragment = "ethernet", 0
    if a.case == "dtx":
        packets = stream(audio, dtx=True)
    elif a.case == "rtcp-mux":
        packets = []
        for n, p in enumerate(stream(audio)):
            packets.append(p)
            if n % 25 == 5:
                packets.append((p[0], SRC, DST, rtcp("SR", SSRC) + rtcp("SDES", SSRC)))
                packets.append((p[0], DST, SRC, rtcp("RR", 0x0BAD0003)))
            if n % 100 == 50:
                packets.append((p[0], SRC, DST, rtcp("APP", SSRC)))
        packets.append((packets[-1][0], SRC, DST, rtcp("RR", SSRC) + rtcp("BYE", SSRC)))
    elif a.case in ("cooked1", "cooked2"):
        packets, link = stream(audio), a.case
    elif a.case == "fragments":
        packets, fragment = stream(audio), 64
    elif a.case == "g729":
        packets = stream(audio, pt=18)
    elif a.case == "stop10":
        packets = [(t + (10_000_000 if t >= 3_500_000 else 0), s, d, p) for t, s, d, p in stream(audio)]
    else:
        packets = long_key(audio)
    write_pcap(a.out, link, packets, fragment)


if __name__ == "__main__":
    main()
