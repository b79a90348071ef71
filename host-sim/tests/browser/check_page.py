"""Checks the DOM headless Chromium made of the page at `/` (see page.sh).

Usage: check_page.py RECORDED.html HUNG_UP.html CALL_ID OPERATION_ID
RECORDED is the page after the recordResponse ended, HUNG_UP after the caller hung up.
"""

import sys
from html.parser import HTMLParser


class Dom(HTMLParser):
    """The elements of a page (tag, attributes, the text inside them) in order."""

    def __init__(self, text):
        super().__init__()
        self.elements = []
        self.open = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        element = {"tag": tag, "attrs": dict(attrs), "text": ""}
        self.elements.append(element)
        if tag not in ("img", "meta", "br", "input", "source", "link"):
            self.open.append(element)

    def handle_endtag(self, tag):
        while self.open:
            if self.open.pop()["tag"] == tag:
                break

    def handle_data(self, data):
        for element in self.open:
            element["text"] += data

    def find(self, tag, **attrs):
        return [
            e
            for e in self.elements
            if e["tag"] == tag and all(e["attrs"].get(k.replace("_", "-")) == v for k, v in attrs.items())
        ]


def check(ok, what):
    if not ok:
        sys.exit(f"FAILED: the page: {what}")


def notifications(dom):
    rows = [e for e in dom.find("tr") if "notification" in e["attrs"].get("class", "").split()]
    check(rows, "no notification rows")
    return rows


recorded_html, hung_up_html, call_id, op_id = sys.argv[1:5]
recorded = Dom(open(recorded_html).read())
hung_up = Dom(open(hung_up_html).read())

# After the recording: the call, established; the operation with its completion reason.
calls = recorded.find("section", data_call_id=call_id)
check(len(calls) == 1, f"call {call_id} is not listed once")
check(calls[0]["attrs"].get("data-state") == "established", "the call is not established")
ops = recorded.find("tr", data_operation_id=op_id)
check(len(ops) == 1, f"operation {op_id} is not listed once")
check(ops[0]["attrs"].get("data-kind") == "recordResponse", "the operation is not a recordResponse")
check(ops[0]["attrs"].get("data-status") == "completed", "the operation is not completed")
check(ops[0]["attrs"].get("data-reason") == "stopToneDetected", "the completion reason is not shown")
check("stopToneDetected" in ops[0]["text"], "the completion reason is not in the row's text")
tones = recorded.find("tr", data_kind="subscribeToTone")
check(len(tones) == 1, "subscribeToTone is not listed")

# The notifications: all delivered; the first took two attempts (503, then 202).
rows = notifications(recorded)
check(all(r["attrs"].get("data-outcome") == "delivered" for r in rows), "a notification is not delivered")
first = rows[0]
check(first["attrs"].get("data-attempts") == "2", "the refused notification does not show 2 attempts")
check("503" in first["text"] and "202" in first["text"], "the bot's answers (503, 202) are not shown")
texts = " ".join(r["text"] for r in rows)
for what in ("state incoming", "state established", "recordOperation", "stopToneDetected", "tone pound"):
    check(what in texts, f"no notification shows '{what}'")

# The recording: an audio player the browser loaded; the timeline picture it drew.
players = [a for a in recorded.find("audio") if a["attrs"].get("src", "").startswith("/recresp/page/recordings/")]
check(len(players) == 1, "no audio player for the recording")
duration = float(players[0]["attrs"].get("data-duration", "0"))
check(duration > 0.5, f"the browser did not load the recording (duration {duration})")
pictures = recorded.find("img", src=f"/recresp/page/timelines/{op_id}")
check(len(pictures) == 1, "no timeline picture")
check(pictures[0]["attrs"].get("data-loaded") == "yes", "the browser did not load the timeline picture")

# After the hang-up: the call terminated, the terminated notification delivered, the
# recording gone with its call.
calls = hung_up.find("section", data_call_id=call_id)
check(len(calls) == 1 and calls[0]["attrs"].get("data-state") == "terminated", "the call is not terminated")
check(len(hung_up.find("tr", data_operation_id=op_id)) == 1, "the ended call's operation is not listed")
texts = " ".join(r["text"] for r in notifications(hung_up))
check("state terminated" in texts, "no terminated notification")
check(not hung_up.find("audio"), "a recording of an ended call is still offered")
check("no longer kept" in calls[0]["text"], "the page does not say the recording is gone")

print(f"  the page: {len(rows)} notifications, recording {duration:.3f} s in the browser, timeline drawn")
