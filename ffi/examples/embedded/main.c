/*
 * An embedded C host for recresp: no malloc, every handle in static storage, the caller's
 * audio synthesised with integer arithmetic. It runs one recordResponse operation on a
 * 16-bit PCM channel (a spoken answer, then an in-band `#`), and one on a μ-law channel
 * fed by RTP packets (G.711 with a lost packet, the host's clock, an RFC 4733 `*`), and
 * prints the notifications and a checksum of each recording. The sizes line (which
 * differs between targets) is the only line that may differ.
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

/* Checks print to standard output (semihosting on the target), with this file's name. */
#define CHECK_PRINT printf
#define CHECK_FILE "main.c"
#include "../../tests/c/check.h"

/* Static storage for the handles: the unions have the size and alignment they need. */
static recresp_channel_storage_pcm8k pcm_storage;
static recresp_channel_storage_ulaw8k ulaw_storage;
static recresp_settings_storage settings_storage;

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

/* The caller: line noise; from 0.6 s, 2 s of a voiced sound in syllables whose spectrum
 * moves as a voice's does (low harmonics, then higher ones: a sound whose spectrum never
 * moves is taken for a tone, not speech); at 3.2 s, 120 ms of `#`; 5 s in all. */
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
            if (t < 1000) {
                x += a + b + c;
            } else if (t < 2000) {
                x += b / 2 + 3 * c;
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

/* What a channel's events told; the channel's callback gets it as `user`. */
struct outcome {
    recresp_channel *channel;
    uint32_t checksum;
    uint64_t captured;
    int events;
    recresp_completion completion;
    int completed;
};

static void on_event(void *user, const recresp_event *e)
{
    struct outcome *o = user;
    if (o->events++ == 0) {
        /* A call on the channel from its own callback is refused, and does nothing. */
        CHECK(recresp_channel_fail(o->channel) == RECRESP_RESULT_CHANNEL_BUSY);
    }
    if (e->kind == RECRESP_EVENT_KIND_CAPTURED) {
        /* Everything handed out is hashed; recorded_samples is reported beside it. */
        o->checksum = fnv1a(o->checksum, e->samples, e->sample_count);
        o->captured += e->sample_count;
    } else if (e->kind == RECRESP_EVENT_KIND_CAPTURE_DISCARDED) {
        /* What started the recording was not speech: the recording starts again. */
        o->checksum = 2166136261u;
        o->captured = 0;
    } else if (e->kind == RECRESP_EVENT_KIND_TONE_DETECTED) {
        printf("  tone %c at %llu\n", e->digit_char, (unsigned long long)e->at);
    } else if (e->kind == RECRESP_EVENT_KIND_SPEECH_STARTED) {
        printf("  speech at %llu, recording from %llu\n", (unsigned long long)e->at,
               (unsigned long long)e->recording_start);
    } else if (e->kind == RECRESP_EVENT_KIND_COMPLETED) {
        o->completion = e->completion;
        o->completed = 1;
    }
}

static void outcome_init(struct outcome *o)
{
    memset(o, 0, sizeof *o);
    o->checksum = 2166136261u;
}

static bool running(recresp_channel *ch)
{
    bool r = false;
    return recresp_channel_is_running(ch, &r) == RECRESP_RESULT_OK && r;
}

static void report(const struct outcome *o)
{
    size_t n = 0;
    recresp_result res;
    printf("  %s (%s, %u %u), %llu samples recorded of %llu captured, fnv1a %08lx, %d events\n",
           recresp_completion_reason_name(o->completion.reason),
           recresp_operation_status_name(o->completion.status), o->completion.code,
           o->completion.subcode, (unsigned long long)o->completion.recorded_samples,
           (unsigned long long)o->captured, (unsigned long)o->checksum, o->events);
    res = recresp_channel_write_notification(o->channel, CALL_ID, strlen(CALL_ID), "op-1", 4,
                                             "file:///flash/rec.wav", 21, "token", 5, document,
                                             sizeof document, &n);
    CHECK(res == RECRESP_RESULT_OK);
    printf("  %s\n", document);
}

static void run_in_band(struct outcome *o, recresp_settings *s)
{
    static int16_t caller[5 * RATE];
    static const char request[] = "{\"playBeep\":false,\"initialSilenceTimeoutInSeconds\":3,"
                                  "\"maxSilenceTimeoutInSeconds\":3,\"maxRecordDurationInSeconds\":"
                                  "10,\"stopTones\":[\"#\"],\"clientContext\":\"embedded\"}";
    recresp_channel *ch = o->channel;
    size_t pos = 0;

    printf("in-band: %s\n", request);
    CHECK(recresp_settings_parse_json(s, request, strlen(request)) == RECRESP_RESULT_OK);
    CHECK(recresp_channel_start(ch, s, RECRESP_PROMPT_NONE, 0) == RECRESP_RESULT_OK);
    synthesise(caller, sizeof caller / sizeof caller[0]);
    while (running(ch)) {
        static const int16_t silence[FRAME];
        const int16_t *frame = pos < sizeof caller / sizeof caller[0] ? caller + pos : silence;
        if (recresp_channel_push_pcm(ch, frame, FRAME) != RECRESP_RESULT_OK) {
            break;
        }
        pos += FRAME;
    }
    CHECK(o->completed);
    CHECK(o->completion.reason == RECRESP_COMPLETION_REASON_STOP_TONE_DETECTED);
    CHECK(o->completion.has_recording);
    CHECK(o->completion.recorded_samples > 8000);
    report(o);
}

/* An RTP packet: the 12-byte header (version 2, SSRC 0x0e0e0e0e) and the payload. */
static size_t rtp_packet(uint8_t *out, int marker, uint8_t pt, uint16_t seq, uint32_t ts,
                         const uint8_t *payload, size_t len)
{
    out[0] = 0x80;
    out[1] = (uint8_t)((marker ? 0x80 : 0) | pt);
    out[2] = (uint8_t)(seq >> 8);
    out[3] = (uint8_t)seq;
    out[4] = (uint8_t)(ts >> 24);
    out[5] = (uint8_t)(ts >> 16);
    out[6] = (uint8_t)(ts >> 8);
    out[7] = (uint8_t)ts;
    out[8] = out[9] = out[10] = out[11] = 0x0e;
    memcpy(out + 12, payload, len);
    return 12 + len;
}

#define EVENT_PT 101

static void run_rtp(struct outcome *o, recresp_settings *s)
{
    static uint8_t packet[12 + FRAME];
    uint8_t ulaw[FRAME];
    recresp_channel *ch = o->channel;
    recresp_rtp_stats stats;
    uint16_t seq = 1000;
    uint32_t fate = 0;
    int i, k;

    printf("RTP, G.711 and RFC 4733:\n");
    CHECK(recresp_settings_set_stop_tones(s, "*", 1) == RECRESP_RESULT_OK);
    CHECK(recresp_settings_set_play_beep(s, true) == RECRESP_RESULT_OK);
    CHECK(recresp_channel_start(ch, s, RECRESP_PROMPT_READY, 4000) == RECRESP_RESULT_OK);
    /* Half a second of prompt, the beep, then quiet μ-law noise in 20 ms packets, one of
     * them lost; the host's clock moves 20 ms a packet. */
    for (i = 0; i < 150 && running(ch); i++) {
        uint32_t ts = 80000u + (uint32_t)i * FRAME;
        for (k = 0; k < FRAME; k++) {
            ulaw[k] = (uint8_t)(0xff - (noise(2) & 0x3));
        }
        if (i != 50) {
            size_t n = rtp_packet(packet, 0, 0, seq, ts, ulaw, FRAME);
            CHECK(recresp_channel_push_rtp(ch, packet, n, &fate) == RECRESP_RESULT_OK);
            CHECK(fate == RECRESP_RTP_FATE_ACCEPTED);
        }
        seq++;
        if (i >= 80 && i < 84) {
            /* The caller presses `*` (event 10), sent as RFC 4733 packets of growing
             * duration, the last one marked as the end. */
            uint8_t ev[4];
            uint16_t duration = (uint16_t)((i - 79) * FRAME);
            ev[0] = 10;
            ev[1] = (uint8_t)((i == 83 ? 0x80 : 0) | 10);
            ev[2] = (uint8_t)(duration >> 8);
            ev[3] = (uint8_t)duration;
            CHECK(recresp_channel_push_rtp(ch, packet,
                                           rtp_packet(packet, i == 80, EVENT_PT, seq,
                                                      80000u + 80u * FRAME, ev, 4),
                                           &fate) == RECRESP_RESULT_OK);
            seq++;
        }
        if (running(ch)) {
            CHECK(recresp_channel_advance(ch, FRAME) == RECRESP_RESULT_OK);
        }
    }
    CHECK(o->completed);
    CHECK(o->completion.reason == RECRESP_COMPLETION_REASON_STOP_TONE_DETECTED);
    CHECK(recresp_channel_rtp_stats(ch, &stats) == RECRESP_RESULT_OK);
    printf("  packets played %llu, lost %llu (%llu samples)\n", (unsigned long long)stats.played,
           (unsigned long long)stats.lost_packets, (unsigned long long)stats.lost_samples);
    CHECK(stats.lost_packets == 1);
    report(o);
}

int main(void)
{
    static struct outcome pcm, ulaw;
    recresp_settings *s = NULL;
    size_t n = 0;
    char small[4];

    outcome_init(&pcm);
    outcome_init(&ulaw);
    printf("sizes: pcm16k %u, pcm8k %u, ulaw8k %u, settings %u\n",
           (unsigned)recresp_channel_size(RECRESP_CHANNEL_KIND_PCM16K),
           (unsigned)recresp_channel_size(RECRESP_CHANNEL_KIND_PCM8K),
           (unsigned)recresp_channel_size(RECRESP_CHANNEL_KIND_ULAW8K),
           (unsigned)recresp_settings_storage_size());
    CHECK(recresp_channel_size(RECRESP_CHANNEL_KIND_PCM8K) <= sizeof pcm_storage);
    CHECK(recresp_channel_size(RECRESP_CHANNEL_KIND_ULAW8K) <= sizeof ulaw_storage);
    CHECK(recresp_channel_init_in(pcm_storage.bytes + 1, sizeof pcm_storage - 1,
                                  RECRESP_CHANNEL_KIND_PCM8K, RECRESP_NO_TELEPHONE_EVENTS,
                                  on_event, &pcm, &pcm.channel) == RECRESP_RESULT_STORAGE_MISALIGNED);
    CHECK(recresp_channel_init_in(&pcm_storage, 64, RECRESP_CHANNEL_KIND_PCM8K,
                                  RECRESP_NO_TELEPHONE_EVENTS, on_event, &pcm,
                                  &pcm.channel) == RECRESP_RESULT_STORAGE_TOO_SMALL);
    CHECK(recresp_channel_init_in(&pcm_storage, sizeof pcm_storage, RECRESP_CHANNEL_KIND_PCM8K,
                                  RECRESP_NO_TELEPHONE_EVENTS, on_event, &pcm,
                                  &pcm.channel) == RECRESP_RESULT_OK);
    CHECK(recresp_channel_init_in(&ulaw_storage, sizeof ulaw_storage, RECRESP_CHANNEL_KIND_ULAW8K,
                                  EVENT_PT, on_event, &ulaw, &ulaw.channel) == RECRESP_RESULT_OK);
    CHECK(recresp_settings_init_in(&settings_storage, sizeof settings_storage, &s) ==
          RECRESP_RESULT_OK);
    CHECK(recresp_settings_parse_json(s, "{\"maxRecordDurationInSeconds\":0}", 32) ==
          RECRESP_RESULT_OUT_OF_RANGE);
    CHECK(recresp_settings_error_message(s, small, sizeof small, &n) ==
          RECRESP_RESULT_BUFFER_TOO_SMALL);
    CHECK(recresp_channel_push_pcm(pcm.channel, NULL, 10) == RECRESP_RESULT_NULL_POINTER);

    run_in_band(&pcm, s);
    run_rtp(&ulaw, s);
    printf("embedded host: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
