"""A bot's whole call against `recresp-sim serve`, with the Python Graph SDK (msgraph-beta-sdk).

    pip install msgraph-beta-sdk==1.66.0
    python example.py http://127.0.0.1:8480 ex/request.json demo-call.wav

The caller (the simulator) dials the bot; the bot answers, asks for a recordResponse with the
body in REQUEST.json, downloads the recording when the notification comes, and the caller
hangs up. The bot's callback endpoint is a small HTTP server on a free local port.
"""

import asyncio
import json
import queue
import sys
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

from kiota_abstractions.authentication import AuthenticationProvider
from msgraph_beta import GraphRequestAdapter, GraphServiceClient
from msgraph_beta.generated.communications.calls.item.answer.answer_post_request_body import (
    AnswerPostRequestBody,
)
from msgraph_beta.generated.communications.calls.item.record_response.record_response_post_request_body import (
    RecordResponsePostRequestBody,
)
from msgraph_beta.generated.models.media_info import MediaInfo
from msgraph_beta.generated.models.media_prompt import MediaPrompt
from msgraph_beta.generated.models.modality import Modality
from msgraph_beta.generated.models.service_hosted_media_config import ServiceHostedMediaConfig


class Bearer(AuthenticationProvider):
    """Graph wants a bearer token; the simulator accepts any."""

    async def authenticate_request(self, request, additional_authentication_context=None):
        request.headers.add("Authorization", "Bearer any")


def start_callback():
    """The bot's callback URI: every notification posted to it lands in the returned queue."""
    notes = queue.Queue()

    class Callback(BaseHTTPRequestHandler):
        def do_POST(self):
            for item in json.loads(self.rfile.read(int(self.headers["content-length"])))["value"]:
                notes.put(item)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Callback)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/api/calls", notes


async def next_note(notes, matches):
    """The next notification for which `matches` holds (others are printed and skipped)."""
    while True:
        item = await asyncio.to_thread(notes.get, True, 30)
        data = item["resourceData"]
        print(f"  notification: {item['changeType']} {item['resourceUrl']}: "
              f"{data.get('state') or data.get('status')}")
        if matches(item):
            return item


def post(url, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers={"content-type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return r.status


async def main(server, request_path, audio):
    callback, notes = start_callback()
    adapter = GraphRequestAdapter(Bearer())
    adapter.base_url = f"{server}/beta"
    graph = GraphServiceClient(request_adapter=adapter)

    # The caller dials the bot (the simulator's side: no SDK call for this).
    post(f"{server}/recresp/calls", {"callbackUri": callback, "audio": audio})
    incoming = await next_note(notes, lambda n: n["changeType"] == "created")
    call_id = incoming["resourceUrl"].rsplit("/", 1)[-1]
    call = graph.communications.calls.by_call_id(call_id)

    await call.answer.post(AnswerPostRequestBody(
        callback_uri=callback, accepted_modalities=[Modality.Audio],
        media_config=ServiceHostedMediaConfig()))
    await next_note(notes, lambda n: n["resourceData"].get("state") == "established")

    request = json.load(open(request_path))
    names = {"bargeInAllowed": "barge_in_allowed", "clientContext": "client_context",
             "maxRecordDurationInSeconds": "max_record_duration_in_seconds",
             "initialSilenceTimeoutInSeconds": "initial_silence_timeout_in_seconds",
             "maxSilenceTimeoutInSeconds": "max_silence_timeout_in_seconds",
             "playBeep": "play_beep", "stopTones": "stop_tones"}
    body = RecordResponsePostRequestBody(
        prompts=[MediaPrompt(media_info=MediaInfo(uri=p["mediaInfo"]["uri"]))
                 for p in request.get("prompts", [])],
        **{names[k]: v for k, v in request.items() if k in names},
    )
    op = await call.record_response.post(body)
    done = await next_note(notes, lambda n: n["resourceData"].get("id") == op.id)
    data = done["resourceData"]
    print(f"recordResponse: {data['status']}, {data['completionReason']}")
    req = urllib.request.Request(data["recordingLocation"],
                                 headers={"Authorization": f"Bearer {data['recordingAccessToken']}"})
    with urllib.request.urlopen(req) as r:
        open("answer.wav", "wb").write(r.read())
    print("recording saved as answer.wav")

    # The caller hangs up.
    post(f"{server}/recresp/calls/{call_id}/hangUp")
    end = await next_note(notes, lambda n: n["resourceData"].get("state") == "terminated")
    print(f"call terminated: {end['resourceData']['resultInfo']['message']}")


if __name__ == "__main__":
    asyncio.run(main(*sys.argv[1:4]))
