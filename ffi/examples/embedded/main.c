/*
 * An embedded C host for recresp: no malloc, every handle in static storage, the caller's
 * audio synthesised with integer arithmetic. It runs one recordResponse operation (a
 * spoken answer, then an in-band `#`) and then an RFC 4733 one over lost packets and
 * G.711, and prints the notifications and a checksum of each recording.
 *
 * The same file is built for the host (gcc, ASan/UBSan, librecresp.a for x86-64) and for a
 * Cortex-M3 (arm-none-eabi-gcc, librecresp.a for thumbv7m-none-eabi, run under QEMU with
 * semihosting); scripts/test-ffi.sh checks that both print the same bytes. Only C99 and
 * printf are used.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "recresp.h"

#define RATE 8000
#define FRAME 160
#define CALL_ID "57dab8b1-894c-409a-b240-bd8beae78896"

static int passed, failed;

#define CHECK(cond)                                                    \
    do {                                                               \
        if (cond) {                                                    \
            passed++;                                                  \
        } else {                                                       \
            failed++;                                                  \
            printf("%s:%d: check failed: %s\n", "main.c", __LINE__, #cond); \
        }                                                              \
    } while (0)

/* Static storage for the handles (the uint64_t member aligns it to RECRESP_STORAGE_ALIGN). */
static union {
    uint64_t align;
    unsigned char bytes[RECRESP_RECORDER_STORAGE_SIZE];
} recorder_storage;
static union {
    uint64_t align;
    unsigned char bytes[RECRESP_SETTINGS_STORAGE_SIZE];
} settings_storage;

static char document[4096];

/* A sine oscillator: y[n] = 2cos(w) y[n-1] - y[n-2], with 2cos(w) in Q14. Started at
 * y[-1] = 0, y[-2] = -A sin(w), it traces A sin(w n). */
struct oscillator {
    int32_t two_cos_q14;
    int32_t y1, y2;
};

/* cos(2 pi f / 8000) in Q14 and A sin(2 pi f / 8000), for the tones used. */
static void osc_init(struct oscillator *o, int32_t cos_q14, int32_t a_sin)
{
    o->two_cos_q14 = 2 * cos_q14;
    o->y1 = 0;
    o->y2 = -a_sin;
}

static int32_t osc_next(struct oscillator *o)
{
    int32_t y = (int32_t)(((int64_t)o->two_cos_q14 * o->y1) / 16384) - o->y2;
    o->y2 = o->y1;
    o->y1 = y;
    return y;
}

static uint32_t lcg_state = 12345;

static int32_t noise(int32_t amplitude)
{
    lcg_state = lcg_state * 1664525u + 1013904223u;
    return (int32_t)((lcg_state >> 16) % (uint32_t)(2 * amplitude + 1)) - amplitude;
}

static int16_t clip(int32_t x)
{
    return (int16_t)(x > 32767 ? 32767 : (x < -32768 ? -32768 : x));
}

/* The caller: line noise; from 0.6 s, 2 s of a voiced sound in syllables; at 3.2 s, 120 ms
 * of `#`; 5 s in all. */
static void synthesise(int16_t *out, size_t n)
{
    struct oscillator v1, v2, v3, lo, hi;
    size_t i;
    osc_init(&v1, 16221, 845);  /* 180 Hz, amplitude 6000 */
    osc_init(&v2, 14932, 1235); /* 540 Hz, amplitude 3000 */
    osc_init(&v3, 8995, 1254);  /* 1260 Hz, amplitude 1500 */
    osc_init(&lo, 12109, 3368); /* 941 Hz, amplitude 5000 */
    osc_init(&hi, 6542, 4584);  /* 1477 Hz, amplitude 5000 */
    for (i = 0; i < n; i++) {
        int32_t x = noise(40);
        int32_t a = osc_next(&v1), b = osc_next(&v2), c = osc_next(&v3);
        int32_t l = osc_next(&lo), h = osc_next(&hi);
        if (i >= 4800 && i < 20800) {
            /* 250 ms syllables with 50 ms gaps. */
            size_t t = (i - 4800) % 2400;
            if (t < 2000) {
                x += a + b + c;
            }
        }
        if (i >= 25600 && i < 26560) {
            x += l + h;
        }
        out[i] = clip(x);
    }
}

static uint32_t fnv1a(uint32_t h, const int16_t *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        uint16_t u = (uint16_t)s[i];
        h = (h ^ (u & 0xff)) * 16777619u;
        h = (h ^ (u >> 8)) * 16777619u;
    }
    return h;
}

struct outcome {
    uint32_t checksum;
    uint64_t captured;
    int events;
    recresp_completion completion;
    int completed;
};

static void drain(recresp_recorder *r, struct outcome *o)
{
    for (;;) {
        recresp_event e;
        if (recresp_recorder_poll(r, &e) != RECRESP_RESULT_OK || e.kind == RECRESP_EVENT_KIND_NONE) {
            return;
        }
        o->events++;
        if (e.kind == RECRESP_EVENT_KIND_CAPTURED) {
            /* Everything handed out is hashed; recorded_samples is reported beside it. */
            o->checksum = fnv1a(o->checksum, e.samples, e.sample_count);
            o->captured += e.sample_count;
        } else if (e.kind == RECRESP_EVENT_KIND_TONE_DETECTED) {
            printf("  tone %c at %llu\n", e.digit_char, (unsigned long long)e.at);
        } else if (e.kind == RECRESP_EVENT_KIND_SPEECH_STARTED) {
            printf("  speech at %llu, recording from %llu\n", (unsigned long long)e.at,
                   (unsigned long long)e.recording_start);
        } else if (e.kind == RECRESP_EVENT_KIND_COMPLETED) {
            o->completion = e.completion;
            o->completed = 1;
        }
    }
}

static void report(recresp_recorder *r, const struct outcome *o)
{
    size_t n = 0;
    recresp_result res;
    printf("  %s (%s, %u %u), %llu samples recorded of %llu captured, fnv1a %08lx, %d events\n",
           recresp_completion_reason_name(o->completion.reason),
           recresp_operation_status_name(o->completion.status), o->completion.code,
           o->completion.subcode, (unsigned long long)o->completion.recorded_samples,
           (unsigned long long)o->captured, (unsigned long)o->checksum, o->events);
    res = recresp_recorder_write_notification(r, CALL_ID, strlen(CALL_ID), "op-1", 4,
                                              "file:///flash/rec.wav", 21, "token", 5, document,
                                              sizeof document, &n);
    CHECK(res == RECRESP_RESULT_OK);
    printf("  %s\n", document);
}

static void run_in_band(recresp_recorder *r, recresp_settings *s)
{
    static int16_t caller[5 * RATE];
    static const char request[] = "{\"playBeep\":false,\"initialSilenceTimeoutInSeconds\":3,"
                                  "\"maxSilenceTimeoutInSeconds\":3,\"maxRecordDurationInSeconds\":"
                                  "10,\"stopTones\":[\"#\"],\"clientContext\":\"embedded\"}";
    struct outcome o;
    size_t pos = 0;

    memset(&o, 0, sizeof o);
    o.checksum = 2166136261u;
    printf("in-band: %s\n", request);
    CHECK(recresp_settings_parse_json(s, request, strlen(request)) == RECRESP_RESULT_OK);
    CHECK(recresp_recorder_start(r, s, RECRESP_PROMPT_NONE, 0) == RECRESP_RESULT_OK);
    synthesise(caller, sizeof caller / sizeof caller[0]);
    while (recresp_recorder_is_running(r)) {
        static const int16_t silence[FRAME];
        size_t used = 0;
        const int16_t *frame = pos < sizeof caller / sizeof caller[0] ? caller + pos : silence;
        recresp_result res = recresp_recorder_push_pcm(r, frame, FRAME, &used);
        if (res != RECRESP_RESULT_OK) {
            break;
        }
        if (frame != silence) {
            pos += used;
        }
        drain(r, &o);
    }
    drain(r, &o);
    CHECK(o.completed);
    CHECK(o.completion.reason == RECRESP_COMPLETION_REASON_STOP_TONE_DETECTED);
    CHECK(o.completion.has_recording);
    CHECK(o.completion.recorded_samples > 8000);
    report(r, &o);
}

static void run_rfc4733(recresp_recorder *r, recresp_settings *s)
{
    static uint8_t ulaw[FRAME];
    struct outcome o;
    int i;
    uint64_t lost = 0;

    memset(&o, 0, sizeof o);
    o.checksum = 2166136261u;
    printf("rfc4733 and G.711:\n");
    CHECK(recresp_settings_set_stop_tones(s, "*", 1) == RECRESP_RESULT_OK);
    CHECK(recresp_settings_set_play_beep(s, true) == RECRESP_RESULT_OK);
    CHECK(recresp_recorder_start(r, s, RECRESP_PROMPT_READY, 4000) == RECRESP_RESULT_OK);
    /* Half a second of prompt, the beep, then quiet μ-law noise with a lost packet. */
    for (i = 0; i < 100 && recresp_recorder_is_running(r); i++) {
        size_t used = 0, k;
        for (k = 0; k < FRAME; k++) {
            ulaw[k] = (uint8_t)(0xff - (noise(2) & 0x3));
        }
        if (i == 50) {
            CHECK(recresp_recorder_push_lost(r, FRAME, &lost) == RECRESP_RESULT_OK);
            CHECK(lost == FRAME);
        } else {
            CHECK(recresp_recorder_push_g711(r, ulaw, FRAME, RECRESP_LAW_ULAW, &used) ==
                  RECRESP_RESULT_OK);
        }
        drain(r, &o);
        if (i == 80) {
            /* The caller presses `*`, received as an RFC 4733 event (code 10). */
            CHECK(recresp_recorder_handle_digit(r, 10, recresp_recorder_position(r) - 40) ==
                  RECRESP_RESULT_OK);
            drain(r, &o);
        }
    }
    CHECK(o.completed);
    CHECK(o.completion.reason == RECRESP_COMPLETION_REASON_STOP_TONE_DETECTED);
    report(r, &o);
}

int main(void)
{
    recresp_recorder *r = NULL;
    recresp_settings *s = NULL;
    size_t n = 0;
    char small[4];

    CHECK(recresp_recorder_storage_size() <= RECRESP_RECORDER_STORAGE_SIZE);
    CHECK(recresp_recorder_init_in(recorder_storage.bytes + 1, RECRESP_RECORDER_STORAGE_SIZE - 1,
                                   RATE, &r) == RECRESP_RESULT_STORAGE_MISALIGNED);
    CHECK(recresp_recorder_init_in(recorder_storage.bytes, 64, RATE, &r) ==
          RECRESP_RESULT_STORAGE_TOO_SMALL);
    CHECK(recresp_recorder_init_in(recorder_storage.bytes, sizeof recorder_storage.bytes, RATE,
                                   &r) == RECRESP_RESULT_OK);
    CHECK(recresp_settings_init_in(settings_storage.bytes, sizeof settings_storage.bytes, &s) ==
          RECRESP_RESULT_OK);
    CHECK(recresp_settings_parse_json(s, "{\"maxRecordDurationInSeconds\":0}", 32) ==
          RECRESP_RESULT_OUT_OF_RANGE);
    CHECK(recresp_settings_error_message(s, small, sizeof small, &n) ==
          RECRESP_RESULT_BUFFER_TOO_SMALL);
    CHECK(recresp_recorder_push_pcm(r, NULL, 10, &n) == RECRESP_RESULT_NULL_POINTER);

    run_in_band(r, s);
    run_rfc4733(r, s);
    printf("embedded host: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
