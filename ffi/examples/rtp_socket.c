/*
 * rtp_socket: one recordResponse operation over a caller's RTP stream received on a UDP
 * socket, from C, through recresp.h: the shape of a SIP gateway's media task.
 *
 *   rtp_socket --request R.json [--port N] [--kind pcm8k|pcm16k|ulaw8k] [--events PT]
 *              [--recording OUT.wav] [--wait-seconds N]
 *
 * It binds 127.0.0.1 (port 0: any free port; the line "listening on 127.0.0.1:PORT" says
 * which), starts the operation, and then loops: wait for datagrams for at most 20 ms, hand
 * each to recresp_channel_push_rtp, and move the channel's clock by the time that passed
 * (recresp_channel_advance, 8 ticks a millisecond) from a monotonic clock. The clock starts
 * with the first packet (the call's media is up); from then on it runs whether packets come
 * or not, so the operation ends on time when the sender stops. Events arrive in the
 * channel's callback during those calls. At the completion it prints the running operation,
 * the completion, the RTP counters and the notification, and writes the recording (16-bit
 * PCM WAV) if asked.
 *
 * Exit status: 0 completed, 1 an error or no completion within --wait-seconds (60).
 */
#define _POSIX_C_SOURCE 200809L

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "recresp.h"
#include "wav.h"

#define CALL_ID "57dab8b1-894c-409a-b240-bd8beae78896"
/* How long one wait for a datagram lasts, in ms: the clock's step when nothing comes. */
#define TICK_MS 20
/* RTP clock ticks in a millisecond (8 kHz, for G.711 and G.722 alike). */
#define TICKS_PER_MS 8

/* What the channel's events told. */
struct run {
    int16_t *audio;
    size_t count, capacity;
    int out_of_memory;
    int completed;
    recresp_completion completion;
};

/* The channel's callback: keeps the captured audio and the completion, prints the keys. It
 * makes no call on the channel (that would be refused); a failure is noted and handled
 * afterwards. */
static void on_event(void *user, const recresp_event *e)
{
    struct run *run = user;
    if (e->kind == RECRESP_EVENT_KIND_CAPTURED && !run->out_of_memory) {
        if (run->count + e->sample_count > run->capacity) {
            size_t cap = run->capacity ? 2 * run->capacity : 16000;
            int16_t *grown;
            while (cap < run->count + e->sample_count) {
                cap *= 2;
            }
            grown = realloc(run->audio, cap * sizeof *grown);
            if (grown == NULL) {
                run->out_of_memory = 1;
                return;
            }
            run->audio = grown;
            run->capacity = cap;
        }
        memcpy(run->audio + run->count, e->samples, e->sample_count * sizeof *e->samples);
        run->count += e->sample_count;
    } else if (e->kind == RECRESP_EVENT_KIND_CAPTURE_DISCARDED) {
        /* What started the recording was not speech: the recording starts again. */
        run->count = 0;
    } else if (e->kind == RECRESP_EVENT_KIND_TONE_DETECTED) {
        printf("tone %c at %llu\n", e->digit_char, (unsigned long long)e->at);
    } else if (e->kind == RECRESP_EVENT_KIND_COMPLETED) {
        run->completed = 1;
        run->completion = e->completion;
    }
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data;
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        if (f != NULL) {
            fclose(f);
        }
        return NULL;
    }
    data = malloc((size_t)n + 1);
    if (data != NULL && fread(data, 1, (size_t)n, f) != (size_t)n) {
        free(data);
        data = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return data;
}

static uint64_t now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000u + (uint64_t)t.tv_nsec / 1000000u;
}

static int fail(const char *what, recresp_result r)
{
    fprintf(stderr, "rtp_socket: %s: %s\n", what, recresp_result_message(r));
    return 1;
}

/* A UDP socket bound to 127.0.0.1:port, with room for bursts. */
static int open_socket(unsigned port, unsigned *bound)
{
    struct sockaddr_in addr;
    socklen_t len = sizeof addr;
    int buffer = 1 << 20;
    int fd = socket(AF_INET, SOCK_DGRAM, 0);
    if (fd < 0) {
        return -1;
    }
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof buffer);
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 ||
        getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
        close(fd);
        return -1;
    }
    *bound = ntohs(addr.sin_port);
    return fd;
}

int main(int argc, char **argv)
{
    const char *request = NULL, *recording = NULL, *kind_name = "pcm8k";
    unsigned port = 0, bound = 0, wait_seconds = 60, events = RECRESP_NO_TELEPHONE_EVENTS;
    uint32_t kind = RECRESP_CHANNEL_KIND_PCM8K, rate = 8000;
    struct run run;
    recresp_settings *settings = NULL;
    recresp_channel *channel = NULL;
    recresp_rtp_stats stats;
    recresp_result r;
    char *body = NULL, *json = NULL, op_id[RECRESP_OPERATION_ID_LEN + 1];
    static const char location[] = "recresp://recordings/rtp.wav";
    size_t body_len = 0, n = 0, cap = 0;
    uint64_t started = 0, clock_ms = 0, deadline;
    int fd = -1, status = 1, i;
    bool running = true;

    for (i = 1; i + 1 < argc; i += 2) {
        if (strcmp(argv[i], "--request") == 0) request = argv[i + 1];
        else if (strcmp(argv[i], "--recording") == 0) recording = argv[i + 1];
        else if (strcmp(argv[i], "--kind") == 0) kind_name = argv[i + 1];
        else if (strcmp(argv[i], "--port") == 0) port = (unsigned)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--events") == 0) events = (unsigned)atoi(argv[i + 1]);
        else if (strcmp(argv[i], "--wait-seconds") == 0) wait_seconds = (unsigned)atoi(argv[i + 1]);
        else break;
    }
    if (i != argc || request == NULL) {
        fprintf(stderr, "usage: rtp_socket --request R.json [--port N] [--kind pcm8k|pcm16k|ulaw8k] "
                        "[--events PT] [--recording OUT.wav] [--wait-seconds N]\n");
        return 1;
    }
    if (strcmp(kind_name, "pcm16k") == 0) {
        kind = RECRESP_CHANNEL_KIND_PCM16K;
        rate = 16000;
    } else if (strcmp(kind_name, "ulaw8k") == 0) {
        kind = RECRESP_CHANNEL_KIND_ULAW8K;
    } else if (strcmp(kind_name, "pcm8k") != 0) {
        fprintf(stderr, "rtp_socket: unknown kind %s\n", kind_name);
        return 1;
    }
    memset(&run, 0, sizeof run);
    body = read_file(request, &body_len);
    if (body == NULL) {
        fprintf(stderr, "rtp_socket: cannot read %s\n", request);
        return 1;
    }
    if ((r = recresp_settings_new(&settings)) != RECRESP_RESULT_OK ||
        (r = recresp_settings_parse_json(settings, body, body_len)) != RECRESP_RESULT_OK) {
        status = fail("request", r);
        goto out;
    }
    r = recresp_channel_new(kind, events, on_event, &run, &channel);
    if (r != RECRESP_RESULT_OK) {
        status = fail("channel", r);
        goto out;
    }
    fd = open_socket(port, &bound);
    if (fd < 0) {
        perror("rtp_socket: socket");
        goto out;
    }
    r = recresp_channel_start(channel, settings, RECRESP_PROMPT_NONE, 0);
    if (r != RECRESP_RESULT_OK) {
        status = fail("start", r);
        goto out;
    }
    if ((r = recresp_derive_operation_id(CALL_ID, strlen(CALL_ID), body, body_len, op_id,
                                         sizeof op_id, &n)) != RECRESP_RESULT_OK ||
        (r = recresp_channel_notification_capacity(channel, strlen(CALL_ID), n,
                                                   strlen(location), 0, &cap)) != RECRESP_RESULT_OK) {
        status = fail("operation id", r);
        goto out;
    }
    json = malloc(cap);
    if (json == NULL ||
        recresp_channel_write_running_operation(channel, CALL_ID, strlen(CALL_ID), op_id, n, json,
                                                cap, &n) != RECRESP_RESULT_OK) {
        fprintf(stderr, "rtp_socket: cannot write the running operation\n");
        goto out;
    }
    printf("listening on 127.0.0.1:%u\n%s\n", bound, json);
    fflush(stdout);

    deadline = now_ms() + (uint64_t)wait_seconds * 1000u;
    while (running && !run.out_of_memory && now_ms() < deadline) {
        struct pollfd p;
        uint64_t t;
        int wait;
        p.fd = fd;
        p.events = POLLIN;
        p.revents = 0;
        /* Every datagram that has arrived, then the clock: after a stall of this task the
         * packets that came meanwhile are played before their time is counted as lost. */
        for (wait = TICK_MS; poll(&p, 1, wait) > 0 && (p.revents & POLLIN); wait = 0) {
            uint8_t datagram[2048];
            uint32_t fate = 0;
            ssize_t got = recv(fd, datagram, sizeof datagram, 0);
            if (got < 0) {
                perror("rtp_socket: recv");
                goto out;
            }
            if (started == 0) {
                started = clock_ms = now_ms();
            }
            r = recresp_channel_push_rtp(channel, datagram, (size_t)got, &fate);
            if (r != RECRESP_RESULT_OK && r != RECRESP_RESULT_NOT_RUNNING) {
                /* A packet it cannot take is dropped; the stream goes on. */
                fprintf(stderr, "rtp_socket: packet of %ld bytes refused: %s\n", (long)got,
                        recresp_result_message(r));
            }
        }
        /* The clock, once the media is up: the time since the last step, in whole ms. */
        t = now_ms();
        if (started != 0 && t > clock_ms) {
            r = recresp_channel_advance(channel, (t - clock_ms) * TICKS_PER_MS);
            if (r != RECRESP_RESULT_OK && r != RECRESP_RESULT_NOT_RUNNING) {
                status = fail("advance", r);
                goto out;
            }
            clock_ms = t;
        }
        if (recresp_channel_is_running(channel, &running) != RECRESP_RESULT_OK) {
            goto out;
        }
    }
    if (run.out_of_memory) {
        /* The callback could not keep the audio: end the operation as the host's failure. */
        recresp_channel_fail(channel);
        fprintf(stderr, "rtp_socket: out of memory\n");
        goto out;
    }
    if (!run.completed) {
        fprintf(stderr, "rtp_socket: no completion within %u s\n", wait_seconds);
        goto out;
    }
    if (run.count > run.completion.recorded_samples) {
        run.count = (size_t)run.completion.recorded_samples;
    }
    recresp_channel_rtp_stats(channel, &stats);
    printf("completed: %s (%s, %u %u), %llu samples recorded; packets played %llu, lost %llu, "
           "late %llu, duplicates %llu, rtcp %llu; lost media %llu samples\n",
           recresp_completion_reason_name(run.completion.reason),
           recresp_operation_status_name(run.completion.status), run.completion.code,
           run.completion.subcode, (unsigned long long)run.completion.recorded_samples,
           (unsigned long long)stats.played, (unsigned long long)stats.lost_packets,
           (unsigned long long)stats.late, (unsigned long long)stats.duplicates,
           (unsigned long long)stats.rtcp, (unsigned long long)stats.lost_samples);
    r = recresp_channel_write_notification(channel, CALL_ID, strlen(CALL_ID), op_id,
                                           strlen(op_id), location, strlen(location), "", 0,
                                           json, cap, &n);
    if (r != RECRESP_RESULT_OK) {
        status = fail("notification", r);
        goto out;
    }
    printf("%s\n", json);
    if (recording != NULL && run.completion.has_recording &&
        wav_write(recording, rate, run.audio, run.count) != 0) {
        fprintf(stderr, "rtp_socket: cannot write %s\n", recording);
        goto out;
    }
    status = 0;

out:
    if (fd >= 0) {
        close(fd);
    }
    free(json);
    free(run.audio);
    recresp_channel_free(channel);
    recresp_settings_free(settings);
    free(body);
    return status;
}
