/*
 * recresp_rtp from C: a PCMU stream pushed one packet per call gives the same events,
 * recording and completion as the same bytes pushed with recresp_recorder_push_g711; the
 * same stream reordered and duplicated gives them too; lost packets become lost media; an
 * RFC 4733 '#' ends the operation stopToneDetected; malformed packets are refused with their
 * code and change nothing; NULL and caller-storage paths. Built with -std=c99 -Wall -Wextra
 * -Werror under ASan and UBSan by scripts/test-ffi.sh. Prints "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include "recresp.h"

static int passed, failed;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (cond) {                                                                  \
            passed++;                                                                \
        } else {                                                                     \
            failed++;                                                                \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define EXPECT(call, code)                                                                    \
    do {                                                                                      \
        recresp_result got_ = (call);                                                         \
        if (got_ == (code)) {                                                                 \
            passed++;                                                                         \
        } else {                                                                              \
            failed++;                                                                         \
            fprintf(stderr, "%s:%d: %s returned %u (%s), expected %s\n", __FILE__, __LINE__, \
                    #call, (unsigned)got_, recresp_result_message(got_), #code);              \
        }                                                                                     \
    } while (0)

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

/* μ-law audio: 0.5 s of silence, then 2 s of a loud pseudo-random signal, then silence. */
static uint8_t audio[PACKETS * FRAME];

static void make_audio(void)
{
    uint32_t x = 12345;
    size_t i;
    for (i = 0; i < sizeof audio; i++) {
        x = x * 1664525u + 1013904223u;
        audio[i] = (i >= 4000 && i < 20000) ? (uint8_t)(0x80 | ((x >> 24) & 0x3f)) : 0xff;
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

static recresp_recorder *started(void)
{
    recresp_settings *s = NULL;
    recresp_recorder *r = NULL;
    EXPECT(recresp_settings_new(&s), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_parse_json(s, REQUEST, strlen(REQUEST)), RECRESP_RESULT_OK);
    EXPECT(recresp_recorder_new(8000, &r), RECRESP_RESULT_OK);
    EXPECT(recresp_recorder_start(r, s, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    recresp_settings_free(s);
    return r;
}

/* The line stays open and silent until the operation completes. */
static void silence_until_done(recresp_recorder *r, struct seen *s)
{
    static const int16_t zeros[FRAME];
    recresp_event e;
    size_t used;
    while (recresp_recorder_is_running(r)) {
        recresp_recorder_push_pcm(r, zeros, FRAME, &used);
        while (recresp_recorder_poll(r, &e) == RECRESP_RESULT_OK && e.kind != RECRESP_EVENT_KIND_NONE) {
            take(s, &e);
        }
    }
    while (recresp_recorder_poll(r, &e) == RECRESP_RESULT_OK && e.kind != RECRESP_EVENT_KIND_NONE) {
        take(s, &e);
    }
}

/* The reference: the stream's bytes (with `lost` packets as lost media) pushed directly. */
static void direct(struct seen *s, int lost)
{
    recresp_recorder *r = started();
    recresp_event e;
    size_t i, used, off;
    uint64_t gone;
    memset(s, 0, sizeof *s);
    for (i = 0; i < PACKETS && recresp_recorder_is_running(r); i++) {
        if ((int)i == lost) {
            uint64_t left = FRAME;
            while (left > 0 && recresp_recorder_is_running(r)) {
                recresp_recorder_push_lost(r, left, &gone);
                left -= gone;
                while (recresp_recorder_poll(r, &e) == RECRESP_RESULT_OK && e.kind != RECRESP_EVENT_KIND_NONE) {
                    take(s, &e);
                }
            }
            continue;
        }
        for (off = 0; off < FRAME && recresp_recorder_is_running(r); off += used) {
            recresp_recorder_push_g711(r, audio + i * FRAME + off, FRAME - off, RECRESP_LAW_ULAW, &used);
            while (recresp_recorder_poll(r, &e) == RECRESP_RESULT_OK && e.kind != RECRESP_EVENT_KIND_NONE) {
                take(s, &e);
            }
        }
    }
    silence_until_done(r, s);
    recresp_recorder_free(r);
}

/* The stream as RTP, in the order `order` (packet indices, -1 ends), then flushed. */
static void via_rtp(struct seen *s, const int *order, recresp_rtp_stats *stats)
{
    recresp_recorder *r = started();
    recresp_rtp *rtp = NULL;
    uint8_t buf[12 + FRAME];
    uint32_t fate;
    size_t n;
    memset(s, 0, sizeof *s);
    EXPECT(recresp_rtp_new(PT_EVENT, &rtp), RECRESP_RESULT_OK);
    for (; *order >= 0 && recresp_recorder_is_running(r); order++) {
        n = packet(buf, 0, (uint16_t)(65500 + *order), 1000u + (uint32_t)*order * FRAME,
                   audio + *order * FRAME, FRAME);
        EXPECT(recresp_rtp_push(rtp, r, buf, n, on_event, s, &fate), RECRESP_RESULT_OK);
    }
    if (recresp_recorder_is_running(r)) {
        EXPECT(recresp_rtp_flush(rtp, r, on_event, s), RECRESP_RESULT_OK);
    }
    silence_until_done(r, s);
    EXPECT(recresp_rtp_get_stats(rtp, stats), RECRESP_RESULT_OK);
    recresp_rtp_free(rtp);
    recresp_recorder_free(r);
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
    recresp_recorder *r = started();
    recresp_rtp *rtp = NULL;
    uint8_t buf[12 + FRAME];
    uint8_t ev[4] = {11, 0x0a, 0x01, 0x40}; /* '#', volume 10, 320 ticks */
    uint32_t fate = 99;
    struct seen s;
    int i;
    memset(&s, 0, sizeof s);
    EXPECT(recresp_rtp_new(PT_EVENT, &rtp), RECRESP_RESULT_OK);
    for (i = 0; i < 100; i++) {
        size_t n = packet(buf, 0, (uint16_t)i, (uint32_t)i * FRAME, audio + i * FRAME, FRAME);
        EXPECT(recresp_rtp_push(rtp, r, buf, n, on_event, &s, &fate), RECRESP_RESULT_OK);
    }
    for (i = 0; i < 3 && recresp_recorder_is_running(r); i++) {
        size_t n = packet(buf, PT_EVENT, (uint16_t)(100 + i), 100 * FRAME, ev, 4);
        EXPECT(recresp_rtp_push(rtp, r, buf, n, on_event, &s, &fate), RECRESP_RESULT_OK);
    }
    /* The first event packet ended the operation at once: nothing is left to flush into it. */
    EXPECT(recresp_rtp_flush(rtp, r, on_event, &s), RECRESP_RESULT_NOT_RUNNING);
    CHECK(s.completed && s.completion.reason == RECRESP_COMPLETION_REASON_STOP_TONE_DETECTED);
    CHECK(s.digit == 11);
    /* The operation is over: pushes are refused. */
    EXPECT(recresp_rtp_push(rtp, r, buf, 16, on_event, &s, &fate), RECRESP_RESULT_NOT_RUNNING);
    recresp_rtp_free(rtp);
    recresp_recorder_free(r);
}

static void refused_packets(void)
{
    recresp_recorder *r = started(), *wide = NULL;
    recresp_rtp *rtp = NULL;
    recresp_rtp_stats before, after;
    uint8_t buf[12 + 400];
    uint8_t cn_bad[1] = {200}, ev_short[2] = {11, 0};
    uint32_t fate = 99;
    struct seen s;
    memset(&s, 0, sizeof s);
    EXPECT(recresp_rtp_new(PT_EVENT, &rtp), RECRESP_RESULT_OK);
    packet(buf, 0, 1, 0, audio, FRAME);
    EXPECT(recresp_rtp_push(rtp, r, buf, 12 + FRAME, on_event, &s, &fate), RECRESP_RESULT_OK);
    CHECK(fate == RECRESP_RTP_FATE_ACCEPTED);
    EXPECT(recresp_rtp_push(rtp, r, buf, 12 + FRAME, on_event, &s, &fate), RECRESP_RESULT_OK);
    CHECK(fate == RECRESP_RTP_FATE_DUPLICATE);
    EXPECT(recresp_rtp_get_stats(rtp, &before), RECRESP_RESULT_OK);
    EXPECT(recresp_rtp_push(rtp, r, buf, 11, on_event, &s, &fate), RECRESP_RESULT_INVALID_PACKET);
    buf[0] = 0x40;
    EXPECT(recresp_rtp_push(rtp, r, buf, 20, on_event, &s, &fate), RECRESP_RESULT_INVALID_PACKET);
    EXPECT(recresp_rtp_push(rtp, r, buf, packet(buf, 13, 2, 160, cn_bad, 1), on_event, &s, &fate),
           RECRESP_RESULT_INVALID_PACKET);
    EXPECT(recresp_rtp_push(rtp, r, buf, packet(buf, PT_EVENT, 2, 160, ev_short, 2), on_event, &s, &fate),
           RECRESP_RESULT_INVALID_PACKET);
    EXPECT(recresp_rtp_push(rtp, r, buf, packet(buf, 96, 2, 160, audio, 10), on_event, &s, &fate),
           RECRESP_RESULT_UNSUPPORTED_PAYLOAD_TYPE);
    EXPECT(recresp_rtp_push(rtp, r, buf, packet(buf, 8, 2, 160, audio, 400), on_event, &s, &fate),
           RECRESP_RESULT_TOO_LONG);
    EXPECT(recresp_rtp_push(rtp, r, buf, 12, on_event, &s, &fate), RECRESP_RESULT_INVALID_PACKET);
    EXPECT(recresp_rtp_get_stats(rtp, &after), RECRESP_RESULT_OK);
    CHECK(memcmp(&before, &after, sizeof before) == 0);
    /* NULLs. */
    EXPECT(recresp_rtp_push(NULL, r, buf, 20, on_event, &s, &fate), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_rtp_push(rtp, NULL, buf, 20, on_event, &s, &fate), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_rtp_push(rtp, r, NULL, 20, on_event, &s, &fate), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_rtp_push(rtp, r, buf, 20, NULL, &s, &fate), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_rtp_push(rtp, r, buf, 20, on_event, &s, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_rtp_flush(rtp, r, NULL, &s), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_rtp_get_stats(rtp, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_rtp_new(PT_EVENT, NULL), RECRESP_RESULT_NULL_POINTER);
    recresp_rtp_free(NULL);
    /* Event payload types that cannot be. */
    {
        recresp_rtp *bad = NULL;
        EXPECT(recresp_rtp_new(0, &bad), RECRESP_RESULT_INVALID_ARGUMENT);
        EXPECT(recresp_rtp_new(13, &bad), RECRESP_RESULT_INVALID_ARGUMENT);
        EXPECT(recresp_rtp_new(128, &bad), RECRESP_RESULT_INVALID_ARGUMENT);
        EXPECT(recresp_rtp_new(RECRESP_RTP_NO_EVENTS, &bad), RECRESP_RESULT_OK);
        recresp_rtp_free(bad);
    }
    /* A 16 kHz recorder cannot take G.711 RTP. */
    {
        recresp_settings *st = NULL;
        EXPECT(recresp_settings_new(&st), RECRESP_RESULT_OK);
        EXPECT(recresp_recorder_new(16000, &wide), RECRESP_RESULT_OK);
        EXPECT(recresp_recorder_start(wide, st, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
        EXPECT(recresp_rtp_push(rtp, wide, buf, packet(buf, 0, 3, 320, audio, FRAME), on_event, &s, &fate),
               RECRESP_RESULT_INVALID_ARGUMENT);
        recresp_settings_free(st);
        recresp_recorder_free(wide);
    }
    recresp_rtp_free(rtp);
    recresp_recorder_free(r);
}

static void caller_storage(void)
{
    static uint64_t storage[RECRESP_RTP_STORAGE_SIZE / 8];
    recresp_rtp *rtp = NULL;
    CHECK(recresp_rtp_storage_size() <= RECRESP_RTP_STORAGE_SIZE);
    EXPECT(recresp_rtp_init_in(storage, recresp_rtp_storage_size() - 1, PT_EVENT, &rtp),
           RECRESP_RESULT_STORAGE_TOO_SMALL);
    EXPECT(recresp_rtp_init_in((uint8_t *)storage + 1, sizeof storage - 1, PT_EVENT, &rtp),
           RECRESP_RESULT_STORAGE_MISALIGNED);
    EXPECT(recresp_rtp_init_in(storage, sizeof storage, PT_EVENT, &rtp), RECRESP_RESULT_OK);
    CHECK(rtp == (recresp_rtp *)(void *)storage);
    recresp_rtp_free(rtp); /* leaves caller storage alone */
}

int main(void)
{
    make_audio();
    stream_equals_g711();
    telephone_event_stops();
    refused_packets();
    caller_storage();
    printf("c rtp: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
