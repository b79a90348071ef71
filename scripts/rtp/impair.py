#!/usr/bin/env python3
"""Impairs the UDP packets of a classic pcap capture (Ethernet, as tcpdump writes on
Linux loopback) and writes the result as pcapng, so the impaired copy also exercises the
pcapng reader.

usage: impair.py IN.pcap OUT.pcapng [--drop N,N,...] [--swap N,N,...] [--delay N:K,...]
                 [--duplicate N,...]

Packet numbers count UDP packets from 0 in capture order. --drop removes packets, --swap
exchanges packet N with packet N+1, --delay moves packet N K places later, --duplicate sends
packet N twice. Deterministic: the same arguments give the same file. Standard library only.
"""
import argparse
import struct
import sys


def read_pcap(path):
    data = open(path, "rb").read()
    magic = data[:4]
    if magic == b"\xd4\xc3\xb2\xa1":
        end = "<"
    elif magic == b"\xa1\xb2\xc3\xd4":
        end = ">"
    else:
        sys.exit(f"{path}: not a classic pcap (little- or big-endian, microseconds)")
    linktype = struct.unpack(end + "I", data[20:24])[0]
    off, packets = 24, []
    while off + 16 <= len(data):
        sec, usec, incl, _orig = struct.unpack(end + "IIII", data[off : off + 16])
        packets.append((sec * 1_000_000 + usec, data[off + 16 : off + 16 + incl]))
        off += 16 + incl
    return linktype, packets


def block(kind, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", kind, n) + body + struct.pack("<I", n)


def write_pcapng(path, linktype, packets):
    out = [block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))]
    out.append(block(1, struct.pack("<HHI", linktype, 0, 262144)))
    for usec, frame in packets:
        body = struct.pack("<IIIII", 0, usec >> 32, usec & 0xFFFFFFFF, len(frame), len(frame)) + frame
        out.append(block(6, body))
    open(path, "wb").write(b"".join(out))


def numbers(s):
    return [int(x) for x in s.split(",") if x]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp")
    ap.add_argument("out")
    ap.add_argument("--drop", type=numbers, default=[])
    ap.add_argument("--swap", type=numbers, default=[])
    ap.add_argument("--delay", default="")
    ap.add_argument("--duplicate", type=numbers, default=[])
    a = ap.parse_args()
    linktype, packets = read_pcap(a.inp)
    order = list(range(len(packets)))
    for n in a.swap:
        i = order.index(n)
        if i + 1 < len(order):
            order[i], order[i + 1] = order[i + 1], order[i]
    for spec in filter(None, a.delay.split(",")):
        n, k = (int(x) for x in spec.split(":"))
        i = order.index(n)
        order.insert(min(i + k, len(order) - 1), order.pop(i))
    out = []
    for n in order:
        if n in a.drop:
            continue
        out.append(packets[n])
        if n in a.duplicate:
            out.append(packets[n])
    write_pcapng(a.out, linktype, out)
    print(f"impair: {len(packets)} packets in, {len(out)} out", file=sys.stderr)


if __name__ == "__main__":
    main()
