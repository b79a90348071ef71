/*
 * record: one recordResponse operation over a caller's WAV, from C, through recresp.h.
 *
 *   record --request R.json --caller C.wav [--media DIR] [--recording OUT.wav]
 *          [--notification OUT.json] [--call-id ID] [--hang-up-at-end]
 *
 * It follows `recresp-sim run` exactly, so the same inputs give byte-identical files: the
 * operation id is derived from the call id and the request body; the caller's audio goes
 * in 160-sample frames, then 160-sample frames of silence until the operation completes
 * (or a hang-up when the audio ends, with --hang-up-at-end); the prompt is found in --media
 * by the last path segment of its URI (playPromptFailed if it cannot be read); the
 * recording is the captured audio cut to recorded_samples, written only when the
 * completion has one; recordingLocation is file:// and the absolute path of --recording,
 * and the access token is "recresp-sim-" and the first 8 characters of the operation id.
 * The notification file is the compact JSON and a newline.
 *
 * Exit status: 0 done, 1 unreadable input or a failed write, 2 a refused request.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recresp.h"
#include "wav.h"

#define FRAME 160
#define DEFAULT_CALL_ID "57dab8b1-894c-409a-b240-bd8beae78896"

struct args {
    const char *request;
    const char *caller;
    const char *media;
    const char *recording;
    const char *notification;
    const char *call_id;
    int hang_up_at_end;
};

/* The captured audio, grown as CAPTURED events arrive. */
struct capture {
    int16_t *samples;
    size_t count;
    size_t capacity;
};

/* What the channel's events told. */
struct run {
    recresp_channel *channel;
    struct capture audio;
    int out_of_memory;
    int completed;
    recresp_completion completion;
};

static int usage(void)
{
    fprintf(stderr, "usage: record --request R.json --caller C.wav [--media DIR] "
                    "[--recording OUT.wav] [--notification OUT.json] [--call-id ID] "
                    "[--hang-up-at-end]\n");
    return 1;
}

static int parse_args(int argc, char **argv, struct args *a)
{
    int i;
    memset(a, 0, sizeof *a);
    a->call_id = DEFAULT_CALL_ID;
    for (i = 1; i < argc; i++) {
        const char **slot = NULL;
        if (strcmp(argv[i], "--hang-up-at-end") == 0) {
            a->hang_up_at_end = 1;
            continue;
        }
        if (strcmp(argv[i], "--request") == 0) slot = &a->request;
        else if (strcmp(argv[i], "--caller") == 0) slot = &a->caller;
        else if (strcmp(argv[i], "--media") == 0) slot = &a->media;
        else if (strcmp(argv[i], "--recording") == 0) slot = &a->recording;
        else if (strcmp(argv[i], "--notification") == 0) slot = &a->notification;
        else if (strcmp(argv[i], "--call-id") == 0) slot = &a->call_id;
        if (slot == NULL || i + 1 >= argc) {
            return -1;
        }
        *slot = argv[++i];
    }
    return (a->request != NULL && a->caller != NULL) ? 0 : -1;
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t cap = 0, n = 0;
    if (f == NULL) {
        return NULL;
    }
    for (;;) {
        size_t got;
        if (n == cap) {
            char *grown;
            cap = cap ? 2 * cap : 4096;
            grown = realloc(data, cap);
            if (grown == NULL) {
                free(data);
                fclose(f);
                return NULL;
            }
            data = grown;
        }
        got = fread(data + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            break;
        }
    }
    fclose(f);
    *len = n;
    return data;
}

static int fail(const char *what, recresp_result r)
{
    fprintf(stderr, "record: %s: %s\n", what, recresp_result_message(r));
    return 1;
}

/* A buffer of `cap` bytes for a JSON document, `r` being how asking for its capacity went;
 * NULL when that failed (said on standard error) or memory ran out. */
static char *json_buffer(recresp_result r, size_t cap)
{
    if (r != RECRESP_RESULT_OK) {
        fail("capacity", r);
        return NULL;
    }
    return malloc(cap);
}

static int append(struct capture *c, const int16_t *samples, size_t count)
{
    if (c->count + count > c->capacity) {
        size_t cap = c->capacity ? c->capacity : 8000;
        int16_t *grown;
        while (cap < c->count + count) {
            cap *= 2;
        }
        grown = realloc(c->samples, cap * sizeof *grown);
        if (grown == NULL) {
            return -1;
        }
        c->samples = grown;
        c->capacity = cap;
    }
    memcpy(c->samples + c->count, samples, count * sizeof *samples);
    c->count += count;
    return 0;
}

/* The channel's callback: keeps the captured audio and the completion. It makes no call
 * on the channel (that would be refused): a failure is noted and handled afterwards. */
static void on_event(void *user, const recresp_event *e)
{
    struct run *run = user;
    switch (e->kind) {
    case RECRESP_EVENT_KIND_CAPTURED:
        if (append(&run->audio, e->samples, e->sample_count) != 0) {
            run->out_of_memory = 1;
        }
        break;
    case RECRESP_EVENT_KIND_CAPTURE_DISCARDED:
        /* What started the recording was not speech: the recording starts again. */
        run->audio.count = 0;
        break;
    case RECRESP_EVENT_KIND_COMPLETED:
        run->completed = 1;
        run->completion = e->completion;
        break;
    default:
        break;
    }
}

/* Pushes one frame; its events arrive in on_event meanwhile. Input after the operation
 * ended is ignored, as the core does. */
static int feed(struct run *run, const int16_t *frame, size_t n)
{
    recresp_result r = recresp_channel_push_pcm(run->channel, frame, n);
    if (r != RECRESP_RESULT_OK && r != RECRESP_RESULT_NOT_RUNNING) {
        return fail("push", r);
    }
    if (run->out_of_memory) {
        fprintf(stderr, "record: out of memory\n");
        return 1;
    }
    return 0;
}

static int is_running(struct run *run)
{
    bool running = false;
    return recresp_channel_is_running(run->channel, &running) == RECRESP_RESULT_OK && running;
}

/* What the host did with the prompt: found in `media` by the last path segment of its URI
 * (before any query or fragment), and measured in caller samples. */
static recresp_prompt load_prompt(const recresp_settings *s, const char *media,
                                  uint32_t caller_rate, uint64_t *samples)
{
    char uri[2048];
    size_t len = 0, i, start = 0;
    char *path;
    struct wav_audio prompt;
    const char *why = NULL;
    recresp_prompt result = RECRESP_PROMPT_FAILED;

    *samples = 0;
    if (!recresp_settings_has_prompt(s)) {
        return RECRESP_PROMPT_NONE;
    }
    if (recresp_settings_prompt_uri(s, uri, sizeof uri, &len) != RECRESP_RESULT_OK) {
        return RECRESP_PROMPT_FAILED;
    }
    for (i = 0; i < len; i++) {
        if (uri[i] == '?' || uri[i] == '#') {
            break;
        }
        if (uri[i] == '/') {
            start = i + 1;
        }
    }
    uri[i] = '\0';
    if (media == NULL || start == i) {
        return RECRESP_PROMPT_FAILED;
    }
    path = malloc(strlen(media) + (i - start) + 2);
    if (path == NULL) {
        return RECRESP_PROMPT_FAILED;
    }
    sprintf(path, "%s%s%s", media, media[0] && media[strlen(media) - 1] == '/' ? "" : "/",
            uri + start);
    if (wav_read(path, &prompt, &why) == 0) {
        *samples = (uint64_t)prompt.count * caller_rate / prompt.rate_hz;
        result = RECRESP_PROMPT_READY;
        free(prompt.samples);
    }
    free(path);
    return result;
}

/* "file://" and the absolute path of `path` (the current folder joined with it). */
static char *file_url(const char *path)
{
    size_t cap = 256;
    char *cwd = NULL, *url;
    if (path[0] != '/') {
        for (;;) {
            char *grown = realloc(cwd, cap);
            if (grown == NULL) {
                free(cwd);
                return NULL;
            }
            cwd = grown;
            if (getcwd(cwd, cap) != NULL) {
                break;
            }
            cap *= 2;
        }
    }
    url = malloc(7 + (cwd ? strlen(cwd) : 0) + 1 + strlen(path) + 1);
    if (url != NULL) {
        if (cwd == NULL) {
            sprintf(url, "file://%s", path);
        } else {
            size_t n = strlen(cwd);
            sprintf(url, "file://%s%s%s", cwd, (n > 0 && cwd[n - 1] == '/') ? "" : "/", path);
        }
    }
    free(cwd);
    return url;
}

static int write_text(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    int ok;
    if (f == NULL) {
        return -1;
    }
    ok = fwrite(text, 1, len, f) == len && fputc('\n', f) != EOF;
    return (fclose(f) == 0 && ok) ? 0 : -1;
}

int main(int argc, char **argv)
{
    static const int16_t silence[FRAME];
    struct args a;
    struct run run;
    struct wav_audio caller;
    recresp_settings *settings = NULL;
    recresp_result r;
    char *body, *location = NULL, *json = NULL;
    size_t body_len = 0, n = 0, pos, cap;
    char op_id[RECRESP_OPERATION_ID_LEN + 1], token[32];
    const char *why = NULL;
    recresp_prompt prompt;
    uint64_t prompt_samples;
    int status = 1;

    if (parse_args(argc, argv, &a) != 0) {
        return usage();
    }
    body = read_file(a.request, &body_len);
    if (body == NULL) {
        fprintf(stderr, "record: cannot read %s\n", a.request);
        return 1;
    }
    r = recresp_settings_new(&settings);
    if (r != RECRESP_RESULT_OK) {
        free(body);
        return fail("settings", r);
    }
    r = recresp_settings_parse_json(settings, body, body_len);
    if (r != RECRESP_RESULT_OK) {
        char message[RECRESP_ERROR_MESSAGE_CAPACITY];
        size_t len = 0;
        recresp_settings_error_message(settings, message, sizeof message, &len);
        fprintf(stderr, "HTTP/1.1 400 Bad Request: %s (%s)\n", message, recresp_result_message(r));
        recresp_settings_free(settings);
        free(body);
        return 2;
    }
    if (wav_read(a.caller, &caller, &why) != 0) {
        fprintf(stderr, "record: %s: %s\n", a.caller, why);
        recresp_settings_free(settings);
        free(body);
        return 1;
    }

    memset(&run, 0, sizeof run);
    if (caller.rate_hz != 8000 && caller.rate_hz != 16000) {
        fprintf(stderr, "record: %s: %u Hz (8000 or 16000 needed)\n", a.caller,
                (unsigned)caller.rate_hz);
        goto out;
    }
    r = recresp_channel_new(caller.rate_hz == 16000 ? RECRESP_CHANNEL_KIND_PCM16K
                                                    : RECRESP_CHANNEL_KIND_PCM8K,
                            RECRESP_NO_TELEPHONE_EVENTS, on_event, &run, &run.channel);
    if (r != RECRESP_RESULT_OK) {
        status = fail("channel", r);
        goto out;
    }
    prompt = load_prompt(settings, a.media, caller.rate_hz, &prompt_samples);
    r = recresp_channel_start(run.channel, settings, prompt, prompt_samples);
    if (r != RECRESP_RESULT_OK) {
        status = fail("start", r);
        goto out;
    }
    r = recresp_derive_operation_id(a.call_id, strlen(a.call_id), body, body_len, op_id,
                                    sizeof op_id, &n);
    if (r != RECRESP_RESULT_OK) {
        status = fail("operation id", r);
        goto out;
    }

    /* The running operation, as Graph returns it to the request. */
    r = recresp_channel_notification_capacity(run.channel, strlen(a.call_id), n, 0, 0, &cap);
    json = json_buffer(r, cap);
    if (json == NULL) {
        goto out;
    }
    r = recresp_channel_write_running_operation(run.channel, a.call_id, strlen(a.call_id),
                                                op_id, n, json, cap, &n);
    if (r != RECRESP_RESULT_OK) {
        status = fail("running operation", r);
        goto out;
    }
    printf("%s\n", json);
    free(json);
    json = NULL;

    for (pos = 0; pos < caller.count; pos += FRAME) {
        size_t len = caller.count - pos < FRAME ? caller.count - pos : FRAME;
        if (feed(&run, caller.samples + pos, len) != 0) {
            goto out;
        }
        if (!is_running(&run)) {
            break;
        }
    }
    if (is_running(&run) && a.hang_up_at_end) {
        recresp_channel_hang_up(run.channel);
    }
    while (is_running(&run)) {
        if (feed(&run, silence, FRAME) != 0) {
            goto out;
        }
    }
    if (run.out_of_memory) {
        fprintf(stderr, "record: out of memory\n");
        goto out;
    }
    if (!run.completed) {
        fprintf(stderr, "record: the operation stopped without a completion\n");
        goto out;
    }
    if (run.audio.count > run.completion.recorded_samples) {
        run.audio.count = (size_t)run.completion.recorded_samples;
    }

    /* The notification Graph posts to the bot. */
    if (a.recording != NULL) {
        location = file_url(a.recording);
    } else {
        location = malloc(sizeof "recresp://recordings/.wav" + RECRESP_OPERATION_ID_LEN);
        if (location != NULL) {
            sprintf(location, "recresp://recordings/%s.wav", op_id);
        }
    }
    if (location == NULL) {
        fprintf(stderr, "record: out of memory\n");
        goto out;
    }
    sprintf(token, "recresp-sim-%.8s", op_id);
    r = recresp_channel_notification_capacity(run.channel, strlen(a.call_id), strlen(op_id),
                                              strlen(location), strlen(token), &cap);
    json = json_buffer(r, cap);
    if (json == NULL) {
        goto out;
    }
    r = recresp_channel_write_notification(run.channel, a.call_id, strlen(a.call_id), op_id,
                                           strlen(op_id), location, strlen(location), token,
                                           strlen(token), json, cap, &n);
    if (r != RECRESP_RESULT_OK) {
        status = fail("notification", r);
        goto out;
    }
    printf("%s\n", json);
    if (a.recording != NULL && run.completion.has_recording &&
        wav_write(a.recording, caller.rate_hz, run.audio.samples, run.audio.count) != 0) {
        fprintf(stderr, "record: cannot write %s\n", a.recording);
        goto out;
    }
    if (a.notification != NULL && write_text(a.notification, json, n) != 0) {
        fprintf(stderr, "record: cannot write %s\n", a.notification);
        goto out;
    }
    fprintf(stderr, "record: %s (%s, %u %u), %llu samples recorded\n",
            recresp_completion_reason_name(run.completion.reason),
            recresp_operation_status_name(run.completion.status), run.completion.code,
            run.completion.subcode, (unsigned long long)run.completion.recorded_samples);
    status = 0;

out:
    free(json);
    free(location);
    free(run.audio.samples);
    free(caller.samples);
    recresp_channel_free(run.channel);
    recresp_settings_free(settings);
    free(body);
    return status;
}
