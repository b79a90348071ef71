#!/usr/bin/env python3
"""Sends a WAV as PCMU RTP (rtppcmupay) or G.722 RTP (libav's avenc_g722, rtpg722pay) to a
UDP port with GStreamer, in real time, with optional RFC 4733 telephone events (rtpdtmfsrc
through rtpdtmfmux).

usage: gst_send.py WAV PORT [--codec pcmu|g722] [--ssrc N] [--event-pt PT] [--ptime MS]
                   [--key DIGIT@SECONDS[:MS]] ...

--ptime is the packetization (the payloader's min-ptime and max-ptime), 20 ms by default.

Each --key starts the event DIGIT (0-9, *, #, A-D) SECONDS after the stream starts and ends
it MS milliseconds later (default 200)."""
import argparse
import sys
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

EVENT_CODES = {**{str(d): d for d in range(10)}, "*": 10, "#": 11, "A": 12, "B": 13, "C": 14, "D": 15}


def key(spec):
    digit, _, rest = spec.partition("@")
    at, _, ms = rest.partition(":")
    if digit not in EVENT_CODES:
        raise argparse.ArgumentTypeError(f"{digit!r} is not a DTMF key")
    return EVENT_CODES[digit], float(at), int(ms or 200)


def dtmf_event(number, start):
    s = Gst.Structure.new_empty("dtmf-event")
    s.set_value("type", 1)
    s.set_value("number", number)
    s.set_value("volume", 10)
    s.set_value("start", start)
    return Gst.Event.new_custom(Gst.EventType.CUSTOM_UPSTREAM, s)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("wav")
    ap.add_argument("port", type=int)
    ap.add_argument("--ssrc", type=int, default=0x5EC0_0001)
    ap.add_argument("--event-pt", type=int, default=101)
    ap.add_argument("--ptime", type=int, default=20)
    ap.add_argument("--codec", choices=["pcmu", "g722"], default="pcmu")
    ap.add_argument("--key", type=key, action="append", default=[])
    args = ap.parse_args()
    Gst.init(None)
    ptime = args.ptime * 1_000_000
    coder = {
        "pcmu": f"audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay pt=0",
        "g722": f"audio/x-raw,rate=16000,channels=1 ! avenc_g722 ! rtpg722pay pt=9",
    }[args.codec]
    pipeline = Gst.parse_launch(
        f"filesrc location={args.wav} ! wavparse ! audioconvert ! audioresample "
        f"! {coder} ssrc={args.ssrc} min-ptime={ptime} max-ptime={ptime} "
        f"! rtpdtmfmux name=mux ! udpsink host=127.0.0.1 port={args.port} "
        f"rtpdtmfsrc name=dtmf pt={args.event_pt} ssrc={args.ssrc} ! mux."
    )
    # Upstream events go into the source pad of the element that acts on them.
    dtmf_pad = pipeline.get_by_name("dtmf").get_static_pad("src")
    bus = pipeline.get_bus()
    pipeline.set_state(Gst.State.PLAYING)
    start = time.monotonic()
    # (time, number, start?) in order.
    plan = sorted(
        [(at, n, True) for n, at, _ in args.key] + [(at + ms / 1000, n, False) for n, at, ms in args.key]
    )
    ok = True
    while True:
        now = time.monotonic() - start
        while plan and plan[0][0] <= now:
            _, number, on = plan.pop(0)
            dtmf_pad.send_event(dtmf_event(number, on))
        msg = bus.timed_pop_filtered(10 * Gst.MSECOND, Gst.MessageType.EOS | Gst.MessageType.ERROR)
        if msg is not None:
            if msg.type == Gst.MessageType.ERROR:
                err, dbg = msg.parse_error()
                print(f"gst_send: {err.message} ({dbg})", file=sys.stderr)
                ok = False
            break
        if now > 120:
            print("gst_send: no end of stream after 120 s", file=sys.stderr)
            ok = False
            break
    # Let the last packets leave before tearing down.
    time.sleep(0.2)
    pipeline.set_state(Gst.State.NULL)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
