/*
 * The error paths of recresp.h, from C: NULL handles, NULL and short buffers, invalid JSON,
 * out-of-range settings, misaligned and short caller storage, use after completion. Built
 * with -std=c99 -Wall -Wextra -Werror and run under AddressSanitizer and
 * UndefinedBehaviorSanitizer by scripts/test-ffi.sh. Prints "N passed, N failed".
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

#define S(text) text, strlen(text)

static void null_handles(void)
{
    int16_t pcm[4] = {0};
    uint8_t g711[4] = {0xff, 0xff, 0xff, 0xff};
    size_t used = 7, n = 7;
    uint64_t lost = 7;
    char buf[64];
    recresp_event e;
    recresp_completion c;

    EXPECT(recresp_settings_new(NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_new(8000, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_parse_json(NULL, S("{}")), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_set_play_beep(NULL, true), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_error_message(NULL, buf, sizeof buf, &n), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_start(NULL, NULL, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_push_pcm(NULL, pcm, 4, &used), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_push_g711(NULL, g711, 4, RECRESP_LAW_ULAW, &used),
           RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_push_lost(NULL, 160, &lost), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_handle_digit(NULL, 11, 0), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_cancel(NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_hang_up(NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_beep_failed(NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_fail(NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_poll(NULL, &e), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_completion(NULL, &c), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_write_notification(NULL, S("c"), S("o"), S(""), S(""), buf,
                                               sizeof buf, &n),
           RECRESP_RESULT_NULL_POINTER);
    CHECK(!recresp_recorder_is_running(NULL));
    CHECK(recresp_recorder_position(NULL) == 0);
    CHECK(recresp_recorder_sample_rate(NULL) == 0);
    CHECK(!recresp_settings_has_prompt(NULL));
    CHECK(recresp_recorder_notification_capacity(NULL, 1, 1, 1, 1) == 0);
    /* Freeing NULL is harmless. */
    recresp_recorder_free(NULL);
    recresp_settings_free(NULL);
}

static void null_and_short_buffers(void)
{
    recresp_settings *s = NULL;
    recresp_recorder *r = NULL;
    size_t used = 7, n = 7;
    int16_t pcm[160] = {0};
    char small[8], id[RECRESP_OPERATION_ID_LEN + 1];

    EXPECT(recresp_settings_new(&s), RECRESP_RESULT_OK);
    EXPECT(recresp_recorder_new(8000, &r), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_parse_json(s, NULL, 2), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_set_client_context(s, NULL, 0), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_set_stop_tones(s, NULL, 1), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_set_prompt(s, NULL, 3, NULL, 0), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_start(r, NULL, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_start(r, s, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    EXPECT(recresp_recorder_push_pcm(r, NULL, 160, &used), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_push_pcm(r, pcm, 160, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_push_g711(r, NULL, 160, RECRESP_LAW_ALAW, &used),
           RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_push_lost(r, 160, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_poll(r, NULL), RECRESP_RESULT_NULL_POINTER);
    /* A misaligned sample pointer is refused, not read. */
    EXPECT(recresp_recorder_push_pcm(r, (const int16_t *)((const char *)pcm + 1), 10, &used),
           RECRESP_RESULT_MISALIGNED_POINTER);

    /* Operation ids need 37 bytes. */
    EXPECT(recresp_derive_operation_id(S("call"), S("{}"), small, sizeof small, &n),
           RECRESP_RESULT_BUFFER_TOO_SMALL);
    CHECK(n == 0);
    EXPECT(recresp_derive_operation_id(S("call"), S("{}"), id, RECRESP_OPERATION_ID_LEN, &n),
           RECRESP_RESULT_BUFFER_TOO_SMALL);
    EXPECT(recresp_derive_operation_id(S("call"), S("{}"), id, sizeof id, &n), RECRESP_RESULT_OK);
    CHECK(n == RECRESP_OPERATION_ID_LEN && strlen(id) == RECRESP_OPERATION_ID_LEN);
    EXPECT(recresp_derive_operation_id(S("call"), S("{}"), NULL, sizeof id, &n),
           RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_derive_operation_id(S("call"), S("{}"), id, sizeof id, NULL),
           RECRESP_RESULT_NULL_POINTER);

    /* A running operation document does not fit in 8 bytes, nor in 0. */
    EXPECT(recresp_recorder_write_running_operation(r, S("c"), S("o"), small, sizeof small, &n),
           RECRESP_RESULT_BUFFER_TOO_SMALL);
    CHECK(n == 0 && small[0] == '\0');
    EXPECT(recresp_recorder_write_running_operation(r, S("c"), S("o"), small, 0, &n),
           RECRESP_RESULT_BUFFER_TOO_SMALL);
    {
        char doc[512];
        EXPECT(recresp_recorder_write_running_operation(r, S("c"), S("o"), doc, sizeof doc, &n),
               RECRESP_RESULT_OK);
        CHECK(n == strlen(doc) && strstr(doc, "\"status\":\"running\"") != NULL);
    }
    recresp_recorder_free(r);
    recresp_settings_free(s);
}

static void invalid_json(void)
{
    recresp_settings *s = NULL;
    char message[RECRESP_ERROR_MESSAGE_CAPACITY], tiny[4];
    size_t n = 0;
    static const char bad_utf8[] = {'{', '"', (char)0xff, '"', '}'};

    EXPECT(recresp_settings_new(&s), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_parse_json(s, S("{\"maxRecordDurationInSeconds\":30")),
           RECRESP_RESULT_INVALID_JSON);
    EXPECT(recresp_settings_parse_json(s, S("[]")), RECRESP_RESULT_INVALID_JSON);
    EXPECT(recresp_settings_parse_json(s, S("{\"playBeep\":\"yes\"}")), RECRESP_RESULT_INVALID_JSON);
    EXPECT(recresp_settings_error_message(s, message, sizeof message, &n), RECRESP_RESULT_OK);
    CHECK(n > 0 && strstr(message, "playBeep") != NULL);
    EXPECT(recresp_settings_parse_json(s, S("{\"maxDuration\":3}")), RECRESP_RESULT_UNKNOWN_PROPERTY);
    EXPECT(recresp_settings_error_message(s, message, sizeof message, &n), RECRESP_RESULT_OK);
    CHECK(strcmp(message, "maxDuration is not a recordResponse parameter") == 0);
    EXPECT(recresp_settings_error_message(s, tiny, sizeof tiny, &n), RECRESP_RESULT_BUFFER_TOO_SMALL);
    CHECK(n == 0);
    EXPECT(recresp_settings_error_message(s, NULL, sizeof tiny, &n), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_error_message(s, tiny, sizeof tiny, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_parse_json(s, bad_utf8, sizeof bad_utf8), RECRESP_RESULT_INVALID_UTF8);
    EXPECT(recresp_settings_parse_json(s, S("{\"stopTones\":[\"#\",\"pound\"]}")),
           RECRESP_RESULT_INVALID_STOP_TONE);
    EXPECT(recresp_settings_parse_json(s, S("{\"prompts\":[{\"mediaInfo\":{}}]}")),
           RECRESP_RESULT_MISSING_VALUE);
    /* A refused body leaves the settings unchanged; a good one clears the message. */
    EXPECT(recresp_settings_parse_json(s, S("{\"clientContext\":\"kept\"}")), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_error_message(s, message, sizeof message, &n), RECRESP_RESULT_OK);
    CHECK(n == 0 && message[0] == '\0');
    EXPECT(recresp_settings_parse_json(s, S("{\"clientContext\":1}")), RECRESP_RESULT_INVALID_JSON);
    EXPECT(recresp_settings_client_context(s, message, sizeof message, &n), RECRESP_RESULT_OK);
    CHECK(strcmp(message, "kept") == 0);
    recresp_settings_free(s);
}

static void out_of_range_settings(void)
{
    recresp_settings *s = NULL;
    recresp_recorder *r = NULL;
    char message[RECRESP_ERROR_MESSAGE_CAPACITY], context[300];
    size_t n = 0;

    EXPECT(recresp_settings_new(&s), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_set_initial_silence_timeout(s, 0), RECRESP_RESULT_OUT_OF_RANGE);
    EXPECT(recresp_settings_set_max_silence_timeout(s, 121), RECRESP_RESULT_OUT_OF_RANGE);
    EXPECT(recresp_settings_set_max_record_duration(s, -1), RECRESP_RESULT_OUT_OF_RANGE);
    EXPECT(recresp_settings_error_message(s, message, sizeof message, &n), RECRESP_RESULT_OK);
    CHECK(strcmp(message, "maxRecordDurationInSeconds must be between 1 and 120 seconds (got -1)") ==
          0);
    EXPECT(recresp_settings_set_max_record_duration(s, 120), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_parse_json(s, S("{\"initialSilenceTimeoutInSeconds\":500}")),
           RECRESP_RESULT_OUT_OF_RANGE);
    EXPECT(recresp_settings_set_media_timeout_ms(s, 0), RECRESP_RESULT_OUT_OF_RANGE);
    EXPECT(recresp_settings_set_trim_trailing_silence(s, true, 1000000), RECRESP_RESULT_OUT_OF_RANGE);
    EXPECT(recresp_settings_set_stop_tones(s, S("#E")), RECRESP_RESULT_INVALID_STOP_TONE);
    EXPECT(recresp_settings_set_stop_tones(s, S("0123456789*#ABCD0")), RECRESP_RESULT_INVALID_STOP_TONE);
    EXPECT(recresp_settings_set_stop_tones(s, S("#*")), RECRESP_RESULT_OK);
    memset(context, 'x', sizeof context);
    EXPECT(recresp_settings_set_client_context(s, context, 257), RECRESP_RESULT_TOO_LONG);
    EXPECT(recresp_settings_set_client_context(s, context, 256), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_set_prompt(s, S(""), NULL, 0), RECRESP_RESULT_MISSING_VALUE);
    EXPECT(recresp_recorder_new(44100, &r), RECRESP_RESULT_INVALID_ARGUMENT);
    CHECK(r == NULL);
    EXPECT(recresp_recorder_new(16000, &r), RECRESP_RESULT_OK);
    EXPECT(recresp_recorder_start(r, s, 3, 0), RECRESP_RESULT_INVALID_ARGUMENT);
    EXPECT(recresp_recorder_start(r, s, RECRESP_PROMPT_READY, 16000), RECRESP_RESULT_OK);
    {
        size_t used = 0;
        uint8_t bytes[2] = {0xd5, 0xd5};
        EXPECT(recresp_recorder_push_g711(r, bytes, 2, 7, &used), RECRESP_RESULT_INVALID_ARGUMENT);
        EXPECT(recresp_recorder_handle_digit(r, 16, 0), RECRESP_RESULT_INVALID_ARGUMENT);
        /* Over the prompt there is no beep to fail. */
        EXPECT(recresp_recorder_beep_failed(r), RECRESP_RESULT_NOT_PLAYING_BEEP);
    }
    CHECK(recresp_recorder_sample_rate(r) == 16000);
    recresp_recorder_free(r);
    recresp_settings_free(s);
}

/* Drains events; returns the kind of the last one. */
static recresp_event_kind drain(recresp_recorder *r, recresp_event *last)
{
    recresp_event_kind kind = RECRESP_EVENT_KIND_NONE;
    for (;;) {
        recresp_event e;
        if (recresp_recorder_poll(r, &e) != RECRESP_RESULT_OK || e.kind == RECRESP_EVENT_KIND_NONE) {
            return kind;
        }
        kind = e.kind;
        *last = e;
    }
}

static void use_after_completion(void)
{
    recresp_settings *s = NULL;
    recresp_recorder *r = NULL;
    recresp_event e;
    recresp_completion c;
    int16_t pcm[160] = {0};
    size_t used = 9, n = 0;
    uint64_t lost = 9;
    char doc[4096];

    EXPECT(recresp_settings_new(&s), RECRESP_RESULT_OK);
    EXPECT(recresp_recorder_new(8000, &r), RECRESP_RESULT_OK);
    /* Before any start. */
    EXPECT(recresp_recorder_push_pcm(r, pcm, 160, &used), RECRESP_RESULT_NOT_RUNNING);
    CHECK(used == 0);
    EXPECT(recresp_recorder_cancel(r), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_recorder_completion(r, &c), RECRESP_RESULT_NOT_COMPLETED);
    EXPECT(recresp_recorder_write_running_operation(r, S("c"), S("o"), doc, sizeof doc, &n),
           RECRESP_RESULT_NOT_RUNNING);

    EXPECT(recresp_settings_parse_json(s, S("{\"clientContext\":\"ctx\",\"playBeep\":false,\"stopTones\":[\"#\"]}")),
           RECRESP_RESULT_OK);
    EXPECT(recresp_recorder_start(r, s, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    /* The recorder copied what it needs: the settings can go. */
    recresp_settings_free(s);
    s = NULL;
    CHECK(recresp_recorder_is_running(r));
    EXPECT(recresp_recorder_write_notification(r, S("c"), S("o"), S(""), S(""), doc, sizeof doc, &n),
           RECRESP_RESULT_NOT_COMPLETED);
    EXPECT(recresp_recorder_push_pcm(r, pcm, 160, &used), RECRESP_RESULT_OK);
    CHECK(used == 160);
    EXPECT(recresp_recorder_push_lost(r, 80, &lost), RECRESP_RESULT_OK);
    CHECK(lost == 80);
    CHECK(recresp_recorder_position(r) == 240);
    drain(r, &e);
    /* An RFC 4733 '#' while listening ends the operation: stopToneDetected, no recording. */
    EXPECT(recresp_recorder_handle_digit(r, 11, 200), RECRESP_RESULT_OK);
    CHECK(drain(r, &e) == RECRESP_EVENT_KIND_COMPLETED);
    CHECK(e.completion.reason == RECRESP_COMPLETION_REASON_STOP_TONE_DETECTED);
    CHECK(e.completion.status == RECRESP_OPERATION_STATUS_COMPLETED);
    CHECK(e.completion.code == 200 && e.completion.subcode == 8514);
    CHECK(!e.completion.has_recording);
    CHECK(strcmp(e.completion.message, "Action completed as stop tone was detected.") == 0);
    CHECK(strcmp(recresp_completion_reason_name(e.completion.reason), "stopToneDetected") == 0);
    CHECK(recresp_completion_reason_name(99) == NULL);
    CHECK(!recresp_recorder_is_running(r));

    /* After completion: inputs and commands are refused, the documents are available. */
    EXPECT(recresp_recorder_push_pcm(r, pcm, 160, &used), RECRESP_RESULT_NOT_RUNNING);
    CHECK(used == 0);
    EXPECT(recresp_recorder_push_lost(r, 160, &lost), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_recorder_handle_digit(r, 11, 0), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_recorder_cancel(r), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_recorder_hang_up(r), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_recorder_fail(r), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_recorder_beep_failed(r), RECRESP_RESULT_NOT_PLAYING_BEEP);
    CHECK(drain(r, &e) == RECRESP_EVENT_KIND_NONE);
    EXPECT(recresp_recorder_completion(r, &c), RECRESP_RESULT_OK);
    CHECK(c.reason == RECRESP_COMPLETION_REASON_STOP_TONE_DETECTED && c.at == 240);
    EXPECT(recresp_recorder_write_notification(r, S("call"), S("op"), S("loc"), S("tok"), doc, 64,
                                               &n),
           RECRESP_RESULT_BUFFER_TOO_SMALL);
    CHECK(n == 0);
    EXPECT(recresp_recorder_write_notification(r, S("call"), S("op"), S("loc"), S("tok"), doc,
                                               sizeof doc, &n),
           RECRESP_RESULT_OK);
    CHECK(n == strlen(doc));
    CHECK(strstr(doc, "\"clientContext\":\"ctx\"") != NULL);
    CHECK(strstr(doc, "\"completionReason\":\"stopToneDetected\"") != NULL);
    /* No recording: Graph sends empty location and token. */
    CHECK(strstr(doc, "\"recordingLocation\":\"\"") != NULL);
    CHECK(recresp_recorder_notification_capacity(r, 4, 2, 3, 3) <= sizeof doc);
    CHECK(recresp_recorder_notification_capacity(r, 4, 2, 3, 3) > n);
    EXPECT(recresp_recorder_write_notification(r, NULL, 4, S("op"), S("loc"), S("tok"), doc,
                                               sizeof doc, &n),
           RECRESP_RESULT_NULL_POINTER);

    /* Starting again runs a new operation; a hang-up before speech fails it with 8528. */
    EXPECT(recresp_settings_new(&s), RECRESP_RESULT_OK);
    EXPECT(recresp_recorder_start(r, s, RECRESP_PROMPT_FAILED, 0), RECRESP_RESULT_OK);
    CHECK(drain(r, &e) == RECRESP_EVENT_KIND_COMPLETED);
    CHECK(e.completion.reason == RECRESP_COMPLETION_REASON_PLAY_PROMPT_FAILED);
    EXPECT(recresp_recorder_start(r, s, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    EXPECT(recresp_recorder_hang_up(r), RECRESP_RESULT_OK);
    CHECK(drain(r, &e) == RECRESP_EVENT_KIND_COMPLETED);
    CHECK(e.completion.subcode == 8528 && e.completion.status == RECRESP_OPERATION_STATUS_FAILED);
    recresp_settings_free(s);
    recresp_recorder_free(r);
}

/* Storage the caller provides, for hosts without malloc. */
/* The uint64_t member aligns the bytes to 8 (RECRESP_STORAGE_ALIGN) in C99. */
static union {
    uint64_t align;
    unsigned char bytes[RECRESP_RECORDER_STORAGE_SIZE + 8];
} recorder_area;
static union {
    uint64_t align;
    unsigned char bytes[RECRESP_SETTINGS_STORAGE_SIZE];
} settings_area;
#define recorder_storage recorder_area.bytes
#define settings_storage settings_area.bytes

static void caller_storage(void)
{
    recresp_recorder *r = NULL;
    recresp_settings *s = NULL;
    recresp_event e;

    CHECK(recresp_recorder_storage_size() <= RECRESP_RECORDER_STORAGE_SIZE);
    CHECK(recresp_settings_storage_size() <= RECRESP_SETTINGS_STORAGE_SIZE);
    CHECK(recresp_storage_align() == RECRESP_STORAGE_ALIGN);
    EXPECT(recresp_recorder_init_in(NULL, sizeof recorder_storage, 8000, &r),
           RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_init_in(recorder_storage, sizeof recorder_storage, 8000, NULL),
           RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_recorder_init_in(recorder_storage + 4, RECRESP_RECORDER_STORAGE_SIZE, 8000, &r),
           RECRESP_RESULT_STORAGE_MISALIGNED);
    EXPECT(recresp_recorder_init_in(recorder_storage, recresp_recorder_storage_size() - 1, 8000, &r),
           RECRESP_RESULT_STORAGE_TOO_SMALL);
    CHECK(r == NULL);
    EXPECT(recresp_recorder_init_in(recorder_storage, RECRESP_RECORDER_STORAGE_SIZE, 16000, &r),
           RECRESP_RESULT_OK);
    CHECK((void *)r == (void *)recorder_storage);
    EXPECT(recresp_settings_init_in(settings_storage, 16, &s), RECRESP_RESULT_STORAGE_TOO_SMALL);
    EXPECT(recresp_settings_init_in(settings_storage, sizeof settings_storage, &s), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_set_play_beep(s, false), RECRESP_RESULT_OK);
    EXPECT(recresp_recorder_start(r, s, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    EXPECT(recresp_recorder_cancel(r), RECRESP_RESULT_OK);
    CHECK(drain(r, &e) == RECRESP_EVENT_KIND_COMPLETED);
    CHECK(e.completion.reason == RECRESP_COMPLETION_REASON_OPERATION_CANCELED);
    /* _free on caller storage does nothing (ASan would report a bad free otherwise). */
    recresp_recorder_free(r);
    recresp_settings_free(s);
}

static void beep(void)
{
    int16_t out[RECRESP_BEEP_MAX_SAMPLES + 10];
    size_t n = 9;
    CHECK(recresp_beep_length(8000) == 1600 && recresp_beep_length(16000) == RECRESP_BEEP_MAX_SAMPLES);
    CHECK(recresp_beep_length(44100) == 0);
    EXPECT(recresp_beep_samples(8000, 0, NULL, 10, &n), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_beep_samples(8000, 0, out, 10, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_beep_samples(22050, 0, out, 10, &n), RECRESP_RESULT_INVALID_ARGUMENT);
    /* More room than the beep: only the beep is written. */
    EXPECT(recresp_beep_samples(16000, 0, out, sizeof out / sizeof out[0], &n), RECRESP_RESULT_OK);
    CHECK(n == RECRESP_BEEP_MAX_SAMPLES);
    EXPECT(recresp_beep_samples(8000, 1590, out, 100, &n), RECRESP_RESULT_OK);
    CHECK(n == 10);
    EXPECT(recresp_beep_samples(8000, 5000, out, 100, &n), RECRESP_RESULT_OK);
    CHECK(n == 0);
}

static void result_messages(void)
{
    unsigned code;
    for (code = 0; code <= RECRESP_RESULT_UNSUPPORTED; code++) {
        const char *m = recresp_result_message(code);
        CHECK(m != NULL && m[0] != '\0');
    }
    CHECK(strcmp(recresp_result_message(RECRESP_RESULT_OK), "success") == 0);
    CHECK(strcmp(recresp_result_message(12345), "unknown result code") == 0);
    CHECK(RECRESP_RESULT_NULL_POINTER == 1 && RECRESP_RESULT_BUFFER_TOO_SMALL == 3 &&
          RECRESP_RESULT_NOT_RUNNING == 15);
}

int main(void)
{
    null_handles();
    null_and_short_buffers();
    invalid_json();
    out_of_range_settings();
    use_after_completion();
    caller_storage();
    beep();
    result_messages();
    printf("c error paths: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
