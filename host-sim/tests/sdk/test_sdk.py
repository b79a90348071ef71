"""The Python Graph SDKs (msgraph-beta-sdk against /beta, msgraph-sdk against /v1.0) against
`recresp-sim serve`, end to end.

Run by scripts/test-serve.sh, which starts two servers (one as fast as possible, one paced at
real time for the queue tests), makes the inputs and the recording `recresp-sim run` writes
for them, and passes their paths here:

    python test_sdk.py --fast URL --realtime URL --request REQUEST.json --expected RUN.wav \
        --prompt-uri URI --queue-prompt-uri URI

The SDK talks to the server through a GraphRequestAdapter whose base URL is the server's
/beta (or /v1.0). Graph wants an Authorization header on every call; the SDK's anonymous
provider sends none, so the bot here uses a small provider that adds a bearer token (the
server accepts any). The bot checks the token on every notification it gets: an HS256 JWT
signed with the server's documented default secret.
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import sys
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from kiota_abstractions.authentication import (
    AnonymousAuthenticationProvider,
    AuthenticationProvider,
)
from msgraph_beta import GraphRequestAdapter, GraphServiceClient
from msgraph_beta.generated.communications.calls.item.answer.answer_post_request_body import (
    AnswerPostRequestBody,
)
from msgraph_beta.generated.communications.calls.item.cancel_media_processing.cancel_media_processing_post_request_body import (
    CancelMediaProcessingPostRequestBody,
)
from msgraph_beta.generated.communications.calls.item.play_prompt.play_prompt_post_request_body import (
    PlayPromptPostRequestBody,
)
from msgraph_beta.generated.communications.calls.item.record_response.record_response_post_request_body import (
    RecordResponsePostRequestBody,
)
from msgraph_beta.generated.communications.calls.item.subscribe_to_tone.subscribe_to_tone_post_request_body import (
    SubscribeToTonePostRequestBody,
)
from msgraph_beta.generated.models.app_hosted_media_config import AppHostedMediaConfig
from msgraph_beta.generated.models.call import Call
from msgraph_beta.generated.models.media_info import MediaInfo
from msgraph_beta.generated.models.media_prompt import MediaPrompt
from msgraph_beta.generated.models.modality import Modality
from msgraph_beta.generated.models.o_data_errors.o_data_error import ODataError
from msgraph_beta.generated.models.service_hosted_media_config import ServiceHostedMediaConfig

WAIT = 30.0
# recresp-sim serve's default --token-secret (docs/bot-developer.md, "The Graph server").
TOKEN_SECRET = b"recresp-sim-notification-signing-key"


def b64url(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def token_is_valid(authorization):
    """Whether `Authorization: Bearer <JWT>` is an HS256 token signed with TOKEN_SECRET, from
    Graph's issuer, valid now."""
    if not authorization or not authorization.startswith("Bearer "):
        return False
    head, claims, signature = authorization[len("Bearer "):].split(".")
    expected = hmac.new(TOKEN_SECRET, f"{head}.{claims}".encode(), hashlib.sha256).digest()
    if not hmac.compare_digest(expected, b64url(signature)):
        return False
    header, claims = json.loads(b64url(head)), json.loads(b64url(claims))
    now = time.time()
    return (header["alg"] == "HS256" and claims["iss"] == "https://api.botframework.com"
            and claims["nbf"] <= now + 5 and now < claims["exp"])


class BearerToken(AuthenticationProvider):
    """Adds `Authorization: Bearer <token>` to every request."""

    def __init__(self, token):
        self.token = token

    async def authenticate_request(self, request, additional_authentication_context=None):
        request.headers.add("Authorization", f"Bearer {self.token}")


def graph_client(base, auth):
    adapter = GraphRequestAdapter(auth)
    adapter.base_url = f"{base}/beta"
    return GraphServiceClient(request_adapter=adapter)


class Bot:
    """The bot's callback endpoint: keeps every notification posted to it."""

    def __init__(self):
        self.received = []
        self.bad_tokens = 0
        self.cond = threading.Condition()
        bot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("content-length", "0")))
                valid = token_is_valid(self.headers.get("authorization"))
                with bot.cond:
                    bot.bad_tokens += 0 if valid else 1
                    bot.received.append(json.loads(body))
                    bot.cond.notify_all()
                self.send_response(200)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/calls"

    def about(self, op_id):
        return [
            v["resourceData"]
            for n in self.received
            for v in n["value"]
            if v["resourceData"].get("id") == op_id
        ]

    async def wait_for(self, op_id):
        return await self.wait_until(lambda: self.about(op_id), f"operation {op_id}")

    async def wait_until(self, found, what):
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            with self.cond:
                got = found()
            if got:
                return got
            await asyncio.sleep(0.05)
        raise AssertionError(f"no notification for {what}: {self.received}")

    def call_notifications(self, graph_id):
        """Every notification about the call whose resourceUrl id is `graph_id`, in order."""
        prefix = f"/communications/calls/{graph_id}"
        return [
            v
            for n in self.received
            for v in n["value"]
            if v["resourceUrl"] == prefix or v["resourceUrl"].startswith(prefix + "/")
        ]


def check(cond, what):
    if not cond:
        raise AssertionError(what)
    print(f"  ok: {what}")


async def refusal(request, what):
    """The ODataError the awaitable `request` fails with; an AssertionError if `what` is accepted."""
    try:
        await request
    except ODataError as e:
        return e
    raise AssertionError(f"{what} was accepted")


def post_plain(url, body):
    """A plain POST (the caller's side, not Graph's API); returns status and JSON body."""
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method="POST")
    req.add_header("content-type", "application/json")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            raw = r.read()
            return r.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


def download(url, token):
    req = urllib.request.Request(url)
    if token is not None:
        req.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("content-type"), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("content-type"), e.read()


def seed_body(path, prompt_uri):
    """The seed's example request as the SDK's request body."""
    seed = json.load(open(path))
    prompts = [
        MediaPrompt(media_info=MediaInfo(uri=prompt_uri, resource_id=p["mediaInfo"].get("resourceId")))
        for p in seed["prompts"]
    ]
    return RecordResponsePostRequestBody(
        barge_in_allowed=seed["bargeInAllowed"],
        client_context=seed["clientContext"],
        prompts=prompts,
        max_record_duration_in_seconds=seed["maxRecordDurationInSeconds"],
        initial_silence_timeout_in_seconds=seed["initialSilenceTimeoutInSeconds"],
        max_silence_timeout_in_seconds=seed["maxSilenceTimeoutInSeconds"],
        play_beep=seed["playBeep"],
        stop_tones=seed["stopTones"],
    )


async def record_and_download(args, bot):
    print("recordResponse with the seed's example body, notification, download")
    client = graph_client(args.fast, BearerToken("bot-token"))
    call = await client.communications.calls.post(Call(id="sdk-call", callback_uri=bot.url))
    check(call.id == "sdk-call", "POST /communications/calls creates the call")
    calls = client.communications.calls.by_call_id("sdk-call")
    sub = await calls.subscribe_to_tone.post(SubscribeToTonePostRequestBody(client_context="tones"))
    check(sub.status is not None and sub.status.value == "Completed", "subscribeToTone is completed at once")
    body = seed_body(args.request, args.prompt_uri)
    op = await calls.record_response.post(body)
    check(op.status is not None and op.status.value == "Running", "recordResponse answers a running recordOperation")
    check(op.client_context == body.client_context, "clientContext is echoed")
    data = (await bot.wait_for(op.id))
    check(len(data) == 1, "exactly one notification for the operation")
    data = data[0]
    check(data["@odata.type"] == "#microsoft.graph.recordOperation", "it carries the final recordOperation")
    graph_op = op.id.replace("-", "").upper()
    check(data["@odata.id"] == f"/communications/calls/SDKCALL/operations/{graph_op}",
          f"with @odata.id, ids in Graph's form ({data['@odata.id']})")
    check(data["id"] == op.id, "and id as the answer gave it")
    check(data["@odata.etag"].startswith('W/"'), "with @odata.etag")
    check(data["status"] == "completed" and data["completionReason"] == "stopToneDetected"
          and data["resultInfo"]["subcode"] == 8514,
          "status completed, completionReason stopToneDetected (8514): the caller pressed #")
    tones = [
        v["resourceData"]["toneInfo"]["tone"]
        for n in bot.received
        for v in n["value"]
        if "toneInfo" in v["resourceData"]
    ]
    check(tones == ["pound"], f"the caller's key press is notified after subscribeToTone ({tones})")
    location, token = data["recordingLocation"], data["recordingAccessToken"]
    check(location.startswith(args.fast + "/"), f"recordingLocation is on the server ({location})")
    status, ctype, wav = download(location, token)
    check(status == 200 and ctype == "application/octet-stream", "GET with the token: 200 octet-stream")
    expected = open(args.expected, "rb").read()
    check(wav == expected, f"the recording is byte for byte what `recresp-sim run` writes ({len(wav)} bytes)")
    status, _, _ = download(location, "not-" + token)
    check(status == 403, "a wrong token: 403")
    status, _, _ = download(location, None)
    check(status == 401, "no token: 401")
    fetched = await calls.operations.by_comms_operation_id(op.id).get()
    check(fetched.id == op.id and fetched.status.value == "Completed", "GET operations/{id} gives its final state")
    await calls.delete()
    status, _, _ = download(location, token)
    check(status == 404, "the call ended: the recording is gone (404)")


def describe(v):
    """One notification as a line of the lifecycle."""
    d = v["resourceData"]
    kind = d["@odata.type"].rsplit(".", 1)[-1]
    if kind == "call":
        info = d.get("resultInfo")
        extra = f" ({info['code']}/{info['subcode']} {info['message']})" if info else ""
        return f"{v['changeType']:8} call {d['state']}{extra}"
    info = d["resultInfo"]
    return (f"{v['changeType']:8} {kind} {d['status']}, {d.get('completionReason')} "
            f"({info['code']}/{info['subcode']})")


async def lifecycle(args, bot):
    print("a whole incoming call: the caller dials, the bot answers and records, the caller hangs up")
    client = graph_client(args.fast, BearerToken("bot-token"))
    status, call = post_plain(f"{args.fast}/recresp/calls", {"id": "sdk-in", "callbackUri": bot.url})
    check(status == 201 and call["state"] == "incoming", "POST /recresp/calls: the caller dials the bot")
    created = await bot.wait_until(
        lambda: [v for n in bot.received for v in n["value"] if v["changeType"] == "created"],
        "the incoming call")
    graph_id = created[0]["resourceUrl"].rsplit("/", 1)[-1]
    data = created[0]["resourceData"]
    check(graph_id == "SDKIN" and data["state"] == "incoming" and data["direction"] == "incoming",
          f"incoming call notified: changeType created, state incoming ({created[0]['resourceUrl']})")
    check("user" in data["source"]["identity"] and "application" in data["targets"][0]["identity"],
          "with the caller (source) and the bot (targets)")
    call = client.communications.calls.by_call_id(graph_id)
    e = await refusal(call.answer.post(AnswerPostRequestBody(
        callback_uri=bot.url, accepted_modalities=[Modality.Audio],
        media_config=AppHostedMediaConfig(blob="<blob>"))), "an app-hosted answer")
    check(e.response_status_code == 400, f"an app-hosted answer: 400 ({e.error.message})")
    await call.answer.post(AnswerPostRequestBody(
        callback_uri=bot.url, accepted_modalities=[Modality.Audio],
        media_config=ServiceHostedMediaConfig()))
    established = await bot.wait_until(
        lambda: [v for v in bot.call_notifications(graph_id) if v["resourceData"].get("state") == "established"],
        "established")
    check(established[0]["changeType"] == "updated", "answer (202): establishing, established")
    body = seed_body(args.request, args.prompt_uri)
    op = await call.record_response.post(body)
    data = (await bot.wait_for(op.id))[0]
    check(data["status"] == "completed" and data["completionReason"] == "stopToneDetected",
          "recordResponse with the seed's body: completed, stopToneDetected")
    status, _, wav = download(data["recordingLocation"], data["recordingAccessToken"])
    check(status == 200 and wav == open(args.expected, "rb").read(),
          "the recording is byte for byte what `recresp-sim run` writes")
    status, _ = post_plain(f"{args.fast}/recresp/calls/sdk-in/hangUp", None)
    check(status == 204, "POST /recresp/calls/sdk-in/hangUp: the caller hangs up")
    ended = await bot.wait_until(
        lambda: [v for v in bot.call_notifications(graph_id) if v["resourceData"].get("state") == "terminated"],
        "terminated")
    info = ended[0]["resourceData"]["resultInfo"]
    check(ended[0]["changeType"] == "deleted" and (info["code"], info["subcode"]) == (200, 4521),
          "terminated: changeType deleted, resultInfo 200/4521 (the other participant ended the call)")
    lines = [describe(v) for v in bot.call_notifications(graph_id)]
    check([l.split()[0:3] for l in lines] == [
        ["created", "call", "incoming"], ["updated", "call", "establishing"],
        ["updated", "call", "established"], ["deleted", "recordOperation", "completed,"],
        ["deleted", "call", "terminated"]], "the notifications came in this order:")
    for line in lines:
        print(f"      {line}")
    e = await refusal(call.get(), "GET on the ended call")
    check(e.response_status_code == 404, "GET on the ended call: 404")


async def v1(args, bot):
    print("msgraph-sdk (v1.0): no beta-only fields")
    from msgraph import GraphRequestAdapter as V1Adapter, GraphServiceClient as V1Client
    from msgraph.generated.communications.calls.item.record_response.record_response_post_request_body import (
        RecordResponsePostRequestBody as V1RecordBody,
    )
    from msgraph.generated.models.call import Call as V1Call
    adapter = V1Adapter(BearerToken("bot-token"))
    adapter.base_url = f"{args.fast}/v1.0"
    client = V1Client(request_adapter=adapter)
    call = await client.communications.calls.post(V1Call(id="sdk-v1", callback_uri=bot.url))
    check(call.id == "sdk-v1" and call.direction.value == "outgoing",
          "POST /v1.0/communications/calls: a call the bot places, direction outgoing")
    calls = client.communications.calls.by_call_id("sdk-v1")
    op = await calls.record_response.post(V1RecordBody(play_beep=False, stop_tones=["#"]))
    check(op.status.value == "Running", "recordResponse: running")
    data = (await bot.wait_for(op.id))[0]
    check("completionReason" not in data, "the v1.0 notification has no completionReason (beta only)")
    check(data["status"] == "completed" and data["resultInfo"]["subcode"] == 8514,
          "completed, resultInfo 8514 (stop tone)")
    fetched = await calls.operations.by_comms_operation_id(op.id).get()
    check(fetched.status.value == "Completed", "GET operations/{id} with msgraph-sdk: completed")
    await calls.delete()
    graph_id = "SDKV1"
    await bot.wait_until(
        lambda: [v for v in bot.call_notifications(graph_id) if v["resourceData"].get("state") == "terminated"],
        "terminated")
    states = [v["resourceData"]["state"] for v in bot.call_notifications(graph_id)
              if v["resourceData"]["@odata.type"] == "#microsoft.graph.call"]
    check(states == ["establishing", "established", "terminating", "terminated"],
          f"the bot hangs up: {' → '.join(states)}")


async def errors(args, bot):
    print("errors")
    client = graph_client(args.fast, BearerToken("bot-token"))
    await client.communications.calls.post(Call(id="sdk-errors", callback_uri=bot.url))
    calls = client.communications.calls.by_call_id("sdk-errors")
    e = await refusal(calls.record_response.post(
        RecordResponsePostRequestBody(max_record_duration_in_seconds=0)), "an invalid request")
    inner = e.error.inner_error
    check(e.response_status_code == 400 and e.error.code == "BadRequest", f"400 BadRequest ({e.error.message})")
    check(bool(inner.request_id) and bool(inner.client_request_id) and inner.date is not None,
          "innerError has request-id, client-request-id and date")
    e = await refusal(client.communications.calls.by_call_id("no-such-call").record_response.post(
        RecordResponsePostRequestBody()), "an unknown call")
    check(e.response_status_code == 404, "an unknown call: 404")
    anonymous = graph_client(args.fast, AnonymousAuthenticationProvider())
    e = await refusal(anonymous.communications.calls.by_call_id("sdk-errors").record_response.post(
        RecordResponsePostRequestBody()), "a request without Authorization")
    check(e.response_status_code == 401, "no Authorization header: 401")
    await calls.delete()


async def queue(args, bot):
    print("the media queue (server paced at real time)")
    client = graph_client(args.realtime, BearerToken("bot-token"))
    prompt = PlayPromptPostRequestBody(
        client_context="prompt", prompts=[MediaPrompt(media_info=MediaInfo(uri=args.queue_prompt_uri))])
    short = dict(play_beep=False, initial_silence_timeout_in_seconds=1, stop_tones=["#"])

    await client.communications.calls.post(Call(id="sdk-barge", callback_uri=bot.url))
    calls = client.communications.calls.by_call_id("sdk-barge")
    p = await calls.play_prompt.post(prompt)
    check(p.status.value == "Running", "playPrompt answers a running playPromptOperation")
    r = await calls.record_response.post(
        RecordResponsePostRequestBody(client_context="barge", barge_in_allowed=True, **short))
    pd = (await bot.wait_for(p.id))[0]
    check(pd["completionReason"] == "mediaOperationCanceled" and pd["status"] == "failed",
          "bargeInAllowed cancels the running prompt")
    rd = (await bot.wait_for(r.id))[0]
    check(rd["status"] == "failed" and rd["completionReason"] == "initialSilenceTimeout"
          and rd["resultInfo"]["subcode"] == 8510,
          "the barging record runs and hears silence: failed, initialSilenceTimeout (8510)")
    await calls.delete()

    await client.communications.calls.post(Call(id="sdk-cancel", callback_uri=bot.url))
    calls = client.communications.calls.by_call_id("sdk-cancel")
    p = await calls.play_prompt.post(prompt)
    r = await calls.record_response.post(RecordResponsePostRequestBody(client_context="queued", **short))
    c = await calls.cancel_media_processing.post(CancelMediaProcessingPostRequestBody(client_context="cancel"))
    check(c.status.value == "Completed", "cancelMediaProcessing is completed at once")
    pd = (await bot.wait_for(p.id))[0]
    rd = (await bot.wait_for(r.id))[0]
    check(pd["completionReason"] == "mediaOperationCanceled", "it cancels the running prompt")
    check(rd["completionReason"] == "operationCanceled" and rd["resultInfo"]["subcode"] == 8508,
          "and the queued record (8508)")
    await calls.delete()


async def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--fast", required=True)
    ap.add_argument("--realtime", required=True)
    ap.add_argument("--request", required=True)
    ap.add_argument("--expected", required=True)
    ap.add_argument("--prompt-uri", required=True)
    ap.add_argument("--queue-prompt-uri", required=True)
    args = ap.parse_args()
    bot = Bot()
    await lifecycle(args, bot)
    await record_and_download(args, bot)
    await errors(args, bot)
    await queue(args, bot)
    await v1(args, bot)
    ids = [v["resourceData"]["id"] for n in bot.received for v in n["value"]
           if v["changeType"] == "deleted" and "id" in v["resourceData"]]
    check(len(ids) == len(set(ids)), f"no operation was notified twice ({len(ids)} notifications)")
    check(bot.bad_tokens == 0, f"every notification carried a valid signed token ({len(bot.received)})")
    print("SDK end-to-end test passed")


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except AssertionError as e:
        print(f"FAILED: {e}", file=sys.stderr)
        sys.exit(1)
