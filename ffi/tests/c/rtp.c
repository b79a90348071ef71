/*
 * RTP into a recresp_channel from C: a PCMU stream pushed one packet per call gives the
 * same events, recording and completion as the same bytes pushed with
 * recresp_channel_push_g711; the same stream reordered and duplicated gives them too; lost
 * packets become lost media; an RFC 4733 '#' ends the operation stopToneDetected; malformed
 * packets are refused with their code and a fate, and change nothing; the host's clock
 * ends an operation whose packets stopped; NULL paths. Built with -std=c99 -Wall -Wextra
 * -Werror under ASan and UBSan by scripts/test-ffi.sh. Prints "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "recresp.h"

#define PACKETS 150
#define FRAME 160
#define PT_EVENT 101

static const char REQUEST[] = "{\"playBeep\":false,\"stopTones\":[\"#\"],"
                              "\"maxSilenceTimeoutInSeconds\":1,\"maxRecordDurationInSeconds\":30}";

/* What a run saw: event kinds in order, the captured audio's length and checksum. */
struct seen {
    unsigned kinds[256];
    size_t n_kinds;
    size_t captured;
    uint32_t checksum;
    recresp_completion completion;
    int completed;
    unsigned digit;
};

static void take(struct seen *s, const recresp_event *e)
{
    size_t i;
    if (e->kind == RECRESP_EVENT_KIND_CAPTURED) {
        for (i = 0; i < e->sample_count; i++) {
            s->checksum = (s->checksum ^ (uint16_t)e->samples[i]) * 16777619u;
        }
        s->captured += e->sample_count;
        return;
    }
    if (e->kind == RECRESP_EVENT_KIND_CAPTURE_DISCARDED) {
        s->checksum = 0;
        s->captured = 0;
    }
    if (s->n_kinds < sizeof s->kinds / sizeof s->kinds[0]) {
        s->kinds[s->n_kinds++] = (unsigned)e->kind;
    }
    if (e->kind == RECRESP_EVENT_KIND_TONE_DETECTED) {
        s->digit = e->digit;
    }
    if (e->kind == RECRESP_EVENT_KIND_COMPLETED) {
        s->completion = e->completion;
        s->completed = 1;
    }
}

static void on_event(void *user, const recresp_event *e)
{
    take((struct seen *)user, e);
}

static int same(const struct seen *a, const struct seen *b)
{
    return a->n_kinds == b->n_kinds && memcmp(a->kinds, b->kinds, a->n_kinds * sizeof a->kinds[0]) == 0 &&
           a->captured == b->captured && a->checksum == b->checksum && a->completed == b->completed &&
           a->completion.reason == b->completion.reason && a->completion.at == b->completion.at &&
           a->completion.recorded_samples == b->completion.recorded_samples;
}

/* μ-law audio: 0.5 s of silence, then 2 s of a pseudo-random signal that changes its level
 * and spectrum every 100 ms as speech does (loud and low: each value held for 8 samples;
 * about 30 dB quieter and white), then silence. A steady noise would not be kept as speech. */
static uint8_t audio[PACKETS * FRAME];

static void make_audio(void)
{
    uint32_t x = 12345;
    uint8_t held = 0xff;
    size_t i;
    for (i = 0; i < sizeof audio; i++) {
        x = x * 1664525u + 1013904223u;
        if (i < 4000 || i >= 20000) {
            audio[i] = 0xff;
        } else if ((i - 4000) / 800 % 2 == 0) {
            if (i % 8 == 0) {
                held = (uint8_t)(((x >> 31) << 7) | ((x >> 24) & 0x1f));
            }
            audio[i] = held;
        } else {
            audio[i] = (uint8_t)(((x >> 31) << 7) | 0x40 | ((x >> 24) & 0x1f));
        }
    }
}

static size_t packet(uint8_t *out, uint8_t pt, uint16_t seq, uint32_t ts, const uint8_t *payload, size_t n)
{
    out[0] = 0x80;
    out[1] = pt;
    out[2] = (uint8_t)(seq >> 8);
    out[3] = (uint8_t)seq;
    out[4] = (uint8_t)(ts >> 24);
    out[5] = (uint8_t)(ts >> 16);
    out[6] = (uint8_t)(ts >> 8);
    out[7] = (uint8_t)ts;
    out[8] = 0x11;
    out[9] = 0x22;
    out[10] = 0x33;
    out[11] = 0x44;
    memcpy(out + 12, payload, n);
    return 12 + n;
}

/* A μ-law channel whose events go to `seen`, its operation started. */
static recresp_channel *started(struct seen *seen)
{
    recresp_settings *s = NULL;
    recresp_channel *r = NULL;
    memset(seen, 0, sizeof *seen);
    EXPECT(recresp_settings_new(&s), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_parse_json(s, REQUEST, strlen(REQUEST)), RECRESP_RESULT_OK);
    EXPECT(recresp_channel_new(RECRESP_CHANNEL_KIND_ULAW8K, PT_EVENT, on_event, seen, &r),
           RECRESP_RESULT_OK);
    EXPECT(recresp_channel_start(r, s, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    recresp_settings_free(s);
    return r;
}

static int running(recresp_channel *r)
{
    bool yes = false;
    return recresp_channel_is_running(r, &yes) == RECRESP_RESULT_OK && yes;
}

static const uint8_t silence[FRAME] = {
#define X16 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff
    X16, X16, X16, X16, X16, X16, X16, X16, X16, X16
#undef X16
};

/* The reference: the stream's bytes (with packet `lost` as lost media) pushed directly,
 * then μ-law silence until the operation completes. */
static void direct(struct seen *s, int lost)
{
    recresp_channel *r = started(s);
    size_t i;
    for (i = 0; i < PACKETS && running(r); i++) {
        if ((int)i == lost) {
            EXPECT(recresp_channel_push_lost(r, FRAME), RECRESP_RESULT_OK);
        } else {
            EXPECT(recresp_channel_push_g711(r, audio + i * FRAME, FRAME, RECRESP_LAW_ULAW),
                   RECRESP_RESULT_OK);
        }
    }
    while (running(r)) {
        EXPECT(recresp_channel_push_g711(r, silence, FRAME, RECRESP_LAW_ULAW), RECRESP_RESULT_OK);
    }
    recresp_channel_free(r);
}

/* The stream as RTP, in the order `order` (packet indices, -1 ends), flushed, then packets
 * of μ-law silence until the operation completes. */
static void via_rtp(struct seen *s, const int *order, recresp_rtp_stats *stats)
{
    recresp_channel *r = started(s);
    uint8_t buf[12 + FRAME];
    uint32_t fate;
    size_t n;
    int next = PACKETS;
    for (; *order >= 0 && running(r); order++) {
        n = packet(buf, 0, (uint16_t)(65500 + *order), 1000u + (uint32_t)*order * FRAME,
                   audio + *order * FRAME, FRAME);
        EXPECT(recresp_channel_push_rtp(r, buf, n, &fate), RECRESP_RESULT_OK);
    }
    if (running(r)) {
        EXPECT(recresp_channel_flush(r), RECRESP_RESULT_OK);
    }
    while (running(r)) {
        n = packet(buf, 0, (uint16_t)(65500 + next), 1000u + (uint32_t)next * FRAME, silence, FRAME);
        EXPECT(recresp_channel_push_rtp(r, buf, n, &fate), RECRESP_RESULT_OK);
        next++;
    }
    EXPECT(recresp_channel_rtp_stats(r, stats), RECRESP_RESULT_OK);
    recresp_channel_free(r);
}

static void stream_equals_g711(void)
{
    int order[PACKETS + 8], i, k;
    struct seen a, b;
    recresp_rtp_stats st;

    direct(&a, -1);
    CHECK(a.completed && a.completion.reason == RECRESP_COMPLETION_REASON_MAX_SILENCE_TIMEOUT);
    CHECK(a.captured > 8000);
    /* In order. */
    for (i = 0; i < PACKETS; i++) order[i] = i;
    order[PACKETS] = -1;
    via_rtp(&b, order, &st);
    CHECK(same(&a, &b));
    CHECK(st.lost_packets == 0 && st.lost_samples == 0);
    /* Reordered within the window (pairs swapped, one packet 5 late) and duplicated. */
    for (i = 0; i + 1 < PACKETS; i += 2) {
        order[i] = i + 1;
        order[i + 1] = i;
    }
    for (i = 0; i < 6; i++) order[i] = i + 1;
    order[6] = 0; /* packet 0 arrives after 1..6 */
    k = PACKETS;
    order[k++] = 40; /* a copy long after its turn */
    order[k] = -1;
    via_rtp(&b, order, &st);
    CHECK(same(&a, &b));
    CHECK(st.late == 1);
    /* Packet 60 lost: lost media for its 160 samples. */
    direct(&a, 60);
    for (i = 0, k = 0; i < PACKETS; i++) {
        if (i != 60) order[k++] = i;
    }
    order[k] = -1;
    via_rtp(&b, order, &st);
    CHECK(same(&a, &b));
    CHECK(st.lost_packets == 1 && st.lost_samples == FRAME);
}

static void telephone_event_stops(void)
{
    struct seen s;
    recresp_channel *r = started(&s);
    uint8_t buf[12 + FRAME];
    uint8_t ev[4] = {11, 0x0a, 0x01, 0x40}; /* '#', volume 10, 320 ticks */
    uint32_t fate = 99;
    int i;

    for (i = 0; i < 100; i++) {
        size_t n = packet(buf, 0, (uint16_t)i, (uint32_t)i * FRAME, audio + i * FRAME, FRAME);
        EXPECT(recresp_channel_push_rtp(r, buf, n, &fate), RECRESP_RESULT_OK);
    }
    for (i = 0; i < 3 && running(r); i++) {
        size_t n = packet(buf, PT_EVENT, (uint16_t)(100 + i), 100 * FRAME, ev, 4);
        EXPECT(recresp_channel_push_rtp(r, buf, n, &fate), RECRESP_RESULT_OK);
    }
    /* The first event packet ended the operation at once: nothing is left to flush into it. */
    EXPECT(recresp_channel_flush(r), RECRESP_RESULT_NOT_RUNNING);
    CHECK(s.completed && s.completion.reason == RECRESP_COMPLETION_REASON_STOP_TONE_DETECTED);
    CHECK(s.digit == 11);
    /* The operation is over: pushes are refused, with a fate. */
    EXPECT(recresp_channel_push_rtp(r, buf, 16, &fate), RECRESP_RESULT_NOT_RUNNING);
    CHECK(fate == RECRESP_RTP_FATE_REFUSED);
    recresp_channel_free(r);
}

/* Packets stop (the call on hold): the host's clock alone ends the operation when the
 * media timeout has passed, and a new operation on the channel starts its own timeline. */
static void clock_without_packets(void)
{
    struct seen s;
    recresp_channel *r = started(&s);
    recresp_settings *st = NULL;
    uint8_t buf[12 + FRAME];
    uint32_t fate = 99;
    uint64_t position = 0;
    int i;
    static const char quiet[] = "{\"playBeep\":false,\"initialSilenceTimeoutInSeconds\":60}";

    /* A request whose initial silence outlasts the media timeout (5 s by default). */
    EXPECT(recresp_settings_new(&st), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_parse_json(st, quiet, strlen(quiet)), RECRESP_RESULT_OK);
    EXPECT(recresp_channel_start(r, st, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    for (i = 0; i < 50; i++) {
        size_t n = packet(buf, 0, (uint16_t)i, (uint32_t)i * FRAME, silence, FRAME);
        EXPECT(recresp_channel_push_rtp(r, buf, n, &fate), RECRESP_RESULT_OK);
        EXPECT(recresp_channel_advance(r, FRAME), RECRESP_RESULT_OK);
    }
    /* No packet any more: a timer every 20 ms. After the jitter allowance (200 ms), the time
     * is lost media, and 5 s of it end the operation. */
    for (i = 0; i < 1000 && running(r); i++) {
        EXPECT(recresp_channel_advance(r, FRAME), RECRESP_RESULT_OK);
    }
    CHECK(s.completed && s.completion.reason == RECRESP_COMPLETION_REASON_MEDIA_RECEIVE_TIMEOUT);
    CHECK(s.completion.at == 50 * FRAME + 5 * 8000);
    /* The next operation: its timeline starts with its first packet, much later. */
    EXPECT(recresp_channel_start(r, st, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    for (i = 0; i < 10; i++) {
        size_t n = packet(buf, 0, (uint16_t)(5000 + i), 9000000u + (uint32_t)i * FRAME, silence,
                          FRAME);
        EXPECT(recresp_channel_push_rtp(r, buf, n, &fate), RECRESP_RESULT_OK);
        EXPECT(recresp_channel_advance(r, FRAME), RECRESP_RESULT_OK);
    }
    EXPECT(recresp_channel_position(r, &position), RECRESP_RESULT_OK);
    CHECK(position == 10 * FRAME);
    CHECK(running(r));
    recresp_settings_free(st);
    recresp_channel_free(r);
}

static void refused_packets(void)
{
    struct seen s;
    recresp_channel *r = started(&s), *wide = NULL;
    recresp_rtp_stats before, after;
    uint8_t buf[12 + 500];
    uint8_t cn_bad[1] = {200}, ev_short[2] = {11, 0};
    uint32_t fate = 99;

    packet(buf, 0, 1, 0, audio, FRAME);
    EXPECT(recresp_channel_push_rtp(r, buf, 12 + FRAME, &fate), RECRESP_RESULT_OK);
    CHECK(fate == RECRESP_RTP_FATE_ACCEPTED);
    EXPECT(recresp_channel_push_rtp(r, buf, 12 + FRAME, &fate), RECRESP_RESULT_OK);
    CHECK(fate == RECRESP_RTP_FATE_DUPLICATE);
    EXPECT(recresp_channel_rtp_stats(r, &before), RECRESP_RESULT_OK);
    fate = 99;
    EXPECT(recresp_channel_push_rtp(r, buf, 11, &fate), RECRESP_RESULT_INVALID_PACKET);
    CHECK(fate == RECRESP_RTP_FATE_REFUSED);
    buf[0] = 0x40;
    EXPECT(recresp_channel_push_rtp(r, buf, 20, &fate), RECRESP_RESULT_INVALID_PACKET);
    EXPECT(recresp_channel_push_rtp(r, buf, packet(buf, 13, 2, 160, cn_bad, 1), &fate),
           RECRESP_RESULT_INVALID_PACKET);
    EXPECT(recresp_channel_push_rtp(r, buf, packet(buf, PT_EVENT, 2, 160, ev_short, 2), &fate),
           RECRESP_RESULT_INVALID_PACKET);
    EXPECT(recresp_channel_push_rtp(r, buf, packet(buf, 96, 2, 160, audio, 10), &fate),
           RECRESP_RESULT_UNSUPPORTED_PAYLOAD_TYPE);
    /* 60 ms fits; more does not, with its own code (not a string's TOO_LONG). */
    fate = 99;
    EXPECT(recresp_channel_push_rtp(r, buf, packet(buf, 8, 2, 160, audio, 481), &fate),
           RECRESP_RESULT_RTP_PAYLOAD_TOO_LONG);
    CHECK(fate == RECRESP_RTP_FATE_REFUSED);
    /* G.722 needs a 16 kHz channel. */
    EXPECT(recresp_channel_push_rtp(r, buf, packet(buf, 9, 2, 160, audio, 160), &fate),
           RECRESP_RESULT_RATE_MISMATCH);
    EXPECT(recresp_channel_push_rtp(r, buf, 12, &fate), RECRESP_RESULT_INVALID_PACKET);
    EXPECT(recresp_channel_rtp_stats(r, &after), RECRESP_RESULT_OK);
    CHECK(memcmp(&before, &after, sizeof before) == 0);
    /* The packet of 60 ms is taken. */
    EXPECT(recresp_channel_push_rtp(r, buf, packet(buf, 0, 2, 160, audio, 480), &fate),
           RECRESP_RESULT_OK);
    CHECK(fate == RECRESP_RTP_FATE_ACCEPTED);
    /* RTCP on the same port (a receiver report) is passed over. */
    {
        const uint8_t rr[8] = {0x80, 201, 0, 1, 0x11, 0x22, 0x33, 0x44};
        EXPECT(recresp_channel_push_rtp(r, rr, sizeof rr, &fate), RECRESP_RESULT_OK);
        CHECK(fate == RECRESP_RTP_FATE_RTCP);
    }
    /* NULLs. */
    EXPECT(recresp_channel_push_rtp(NULL, buf, 20, &fate), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_push_rtp(r, NULL, 20, &fate), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_push_rtp(r, buf, 20, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_rtp_stats(r, NULL), RECRESP_RESULT_NULL_POINTER);
    /* A 16 kHz channel cannot take G.711 RTP. */
    {
        recresp_settings *st = NULL;
        struct seen w;
        memset(&w, 0, sizeof w);
        EXPECT(recresp_settings_new(&st), RECRESP_RESULT_OK);
        EXPECT(recresp_channel_new(RECRESP_CHANNEL_KIND_PCM16K, RECRESP_NO_TELEPHONE_EVENTS,
                                   on_event, &w, &wide),
               RECRESP_RESULT_OK);
        EXPECT(recresp_channel_start(wide, st, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
        EXPECT(recresp_channel_push_rtp(wide, buf, packet(buf, 0, 3, 320, audio, FRAME), &fate),
               RECRESP_RESULT_RATE_MISMATCH);
        recresp_settings_free(st);
        recresp_channel_free(wide);
    }
    recresp_channel_free(r);
}

int main(void)
{
    make_audio();
    stream_equals_g711();
    telephone_event_stops();
    clock_without_packets();
    refused_packets();
    printf("c rtp: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
