/*
 * The error paths of recresp.h, from C: NULL handles, NULL and short buffers, invalid JSON,
 * out-of-range settings, misaligned and short caller storage, use after completion, calls
 * from the event callback. Built
 * with -std=c99 -Wall -Wextra -Werror and run under AddressSanitizer and
 * UndefinedBehaviorSanitizer by scripts/test-ffi.sh. Prints "N passed, N failed".
 */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "recresp.h"

#define S(text) text, strlen(text)

/* The last event a channel handed to `on_event`, and how many there were. */
static recresp_event last_event;
static int event_count;
/* When set, `on_event` calls into this channel and keeps what the calls returned. */
static recresp_channel *call_back_into;
static recresp_result from_callback[4];

static void on_event(void *user, const recresp_event *e)
{
    (void)user;
    last_event = *e;
    event_count++;
    if (call_back_into != NULL) {
        bool running = false;
        recresp_channel *ch = call_back_into;
        from_callback[0] = recresp_channel_fail(ch);
        from_callback[1] = recresp_channel_cancel(ch);
        from_callback[2] = recresp_channel_is_running(ch, &running);
        from_callback[3] = recresp_channel_push_pcm(ch, (const int16_t *)e, 0);
        /* Refused as well: the channel stays alive for the call in progress. */
        recresp_channel_free(ch);
    }
}

/* A heap channel whose events go to `on_event`. */
static recresp_result new_channel(uint32_t kind, recresp_channel **out)
{
    return recresp_channel_new(kind, RECRESP_NO_TELEPHONE_EVENTS, on_event, NULL, out);
}

/* The kind of the last event since `since` events, or NONE if there was none. */
static recresp_event_kind events_since(int since)
{
    return event_count > since ? last_event.kind : RECRESP_EVENT_KIND_NONE;
}

static bool running(recresp_channel *ch)
{
    bool r = false;
    return recresp_channel_is_running(ch, &r) == RECRESP_RESULT_OK && r;
}

static void null_handles(void)
{
    int16_t pcm[4] = {0};
    uint8_t g711[4] = {0xff, 0xff, 0xff, 0xff};
    size_t n = 7;
    uint64_t position = 7;
    bool is_running = true;
    uint32_t fate = 7;
    char buf[64];
    recresp_completion c;
    recresp_rtp_stats stats;

    EXPECT(recresp_settings_new(NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(new_channel(RECRESP_CHANNEL_KIND_PCM8K, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_parse_json(NULL, S("{}")), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_set_play_beep(NULL, true), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_error_message(NULL, buf, sizeof buf, &n), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_new(RECRESP_CHANNEL_KIND_PCM8K, RECRESP_NO_TELEPHONE_EVENTS, NULL, NULL,
                               &call_back_into),
           RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_start(NULL, NULL, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_push_pcm(NULL, pcm, 4), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_push_g711(NULL, g711, 4, RECRESP_LAW_ULAW), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_push_lost(NULL, 160), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_push_rtp(NULL, g711, 4, &fate), RECRESP_RESULT_NULL_POINTER);
    CHECK(fate == RECRESP_RTP_FATE_REFUSED);
    EXPECT(recresp_channel_advance(NULL, 160), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_flush(NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_handle_digit(NULL, 11, 0), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_cancel(NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_hang_up(NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_beep_failed(NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_fail(NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_completion(NULL, &c), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_rtp_stats(NULL, &stats), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_write_notification(NULL, S("c"), S("o"), S(""), S(""), buf,
                                              sizeof buf, &n),
           RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_is_running(NULL, &is_running), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_position(NULL, &position), RECRESP_RESULT_NULL_POINTER);
    CHECK(!recresp_settings_has_prompt(NULL));
    EXPECT(recresp_channel_notification_capacity(NULL, 1, 1, 1, 1, &n), RECRESP_RESULT_NULL_POINTER);
    CHECK(recresp_channel_size(99) == 0);
    /* Freeing NULL is harmless. */
    recresp_channel_free(NULL);
    recresp_settings_free(NULL);
}

static void null_and_short_buffers(void)
{
    recresp_settings *s = NULL;
    recresp_channel *r = NULL;
    size_t n = 7;
    int16_t pcm[160] = {0};
    char small[8], id[RECRESP_OPERATION_ID_LEN + 1];

    EXPECT(recresp_settings_new(&s), RECRESP_RESULT_OK);
    EXPECT(new_channel(RECRESP_CHANNEL_KIND_PCM8K, &r), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_parse_json(s, NULL, 2), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_set_client_context(s, NULL, 0), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_set_stop_tones(s, NULL, 1), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_settings_set_prompt(s, NULL, 3, NULL, 0), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_start(r, NULL, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_start(r, s, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    EXPECT(recresp_channel_push_pcm(r, NULL, 160), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_push_g711(r, NULL, 160, RECRESP_LAW_ALAW), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_push_rtp(r, NULL, 12, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_is_running(r, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_position(r, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_completion(r, NULL), RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_rtp_stats(r, NULL), RECRESP_RESULT_NULL_POINTER);
    /* A misaligned sample pointer is refused, not read. */
    EXPECT(recresp_channel_push_pcm(r, (const int16_t *)((const char *)pcm + 1), 10),
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
    EXPECT(recresp_channel_write_running_operation(r, S("c"), S("o"), small, sizeof small, &n),
           RECRESP_RESULT_BUFFER_TOO_SMALL);
    CHECK(n == 0 && small[0] == '\0');
    EXPECT(recresp_channel_write_running_operation(r, S("c"), S("o"), small, 0, &n),
           RECRESP_RESULT_BUFFER_TOO_SMALL);
    {
        char doc[512];
        EXPECT(recresp_channel_write_running_operation(r, S("c"), S("o"), doc, sizeof doc, &n),
               RECRESP_RESULT_OK);
        CHECK(n == strlen(doc) && strstr(doc, "\"status\":\"running\"") != NULL);
    }
    recresp_channel_free(r);
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
    recresp_channel *r = NULL;
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
    EXPECT(new_channel(3, &r), RECRESP_RESULT_INVALID_ARGUMENT);
    CHECK(r == NULL);
    /* Payload types of audio are not telephone events; RTP has 7 bits of payload type. */
    EXPECT(recresp_channel_new(RECRESP_CHANNEL_KIND_PCM8K, 0, on_event, NULL, &r),
           RECRESP_RESULT_INVALID_ARGUMENT);
    EXPECT(recresp_channel_new(RECRESP_CHANNEL_KIND_PCM8K, 9, on_event, NULL, &r),
           RECRESP_RESULT_INVALID_ARGUMENT);
    EXPECT(recresp_channel_new(RECRESP_CHANNEL_KIND_PCM8K, 128, on_event, NULL, &r),
           RECRESP_RESULT_INVALID_ARGUMENT);
    CHECK(r == NULL);
    EXPECT(new_channel(RECRESP_CHANNEL_KIND_PCM16K, &r), RECRESP_RESULT_OK);
    EXPECT(recresp_channel_start(r, s, 3, 0), RECRESP_RESULT_INVALID_ARGUMENT);
    EXPECT(recresp_channel_start(r, s, RECRESP_PROMPT_READY, 16000), RECRESP_RESULT_OK);
    {
        uint8_t bytes[2] = {0xd5, 0xd5};
        EXPECT(recresp_channel_push_g711(r, bytes, 2, 7), RECRESP_RESULT_INVALID_ARGUMENT);
        EXPECT(recresp_channel_handle_digit(r, 16, 0), RECRESP_RESULT_INVALID_ARGUMENT);
        /* Over the prompt there is no beep to fail. */
        EXPECT(recresp_channel_beep_failed(r), RECRESP_RESULT_NOT_PLAYING_BEEP);
    }
    recresp_channel_free(r);
    recresp_settings_free(s);
}

static void use_after_completion(void)
{
    recresp_settings *s = NULL;
    recresp_channel *r = NULL;
    recresp_completion c;
    int16_t pcm[160] = {0};
    size_t n = 0;
    uint64_t position = 0;
    int seen;
    char doc[4096];

    EXPECT(recresp_settings_new(&s), RECRESP_RESULT_OK);
    EXPECT(new_channel(RECRESP_CHANNEL_KIND_PCM8K, &r), RECRESP_RESULT_OK);
    /* Before any start. */
    EXPECT(recresp_channel_push_pcm(r, pcm, 160), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_channel_cancel(r), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_channel_completion(r, &c), RECRESP_RESULT_NOT_COMPLETED);
    EXPECT(recresp_channel_write_running_operation(r, S("c"), S("o"), doc, sizeof doc, &n),
           RECRESP_RESULT_NOT_RUNNING);

    EXPECT(recresp_settings_parse_json(s, S("{\"clientContext\":\"ctx\",\"playBeep\":false,\"stopTones\":[\"#\"]}")),
           RECRESP_RESULT_OK);
    seen = event_count;
    EXPECT(recresp_channel_start(r, s, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    /* The first event came during the start. */
    CHECK(events_since(seen) == RECRESP_EVENT_KIND_LISTENING);
    /* The channel copied what it needs: the settings can go. */
    recresp_settings_free(s);
    s = NULL;
    CHECK(running(r));
    EXPECT(recresp_channel_write_notification(r, S("c"), S("o"), S(""), S(""), doc, sizeof doc, &n),
           RECRESP_RESULT_NOT_COMPLETED);
    EXPECT(recresp_channel_push_pcm(r, pcm, 160), RECRESP_RESULT_OK);
    EXPECT(recresp_channel_push_lost(r, 80), RECRESP_RESULT_OK);
    EXPECT(recresp_channel_position(r, &position), RECRESP_RESULT_OK);
    CHECK(position == 240);
    /* This operation's media is pushed: RTP and its clock are refused. */
    EXPECT(recresp_channel_advance(r, 160), RECRESP_RESULT_MIXED_INPUT);
    /* An RFC 4733 '#' while listening ends the operation: stopToneDetected, no recording. */
    seen = event_count;
    EXPECT(recresp_channel_handle_digit(r, 11, 200), RECRESP_RESULT_OK);
    CHECK(events_since(seen) == RECRESP_EVENT_KIND_COMPLETED);
    CHECK(last_event.completion.reason == RECRESP_COMPLETION_REASON_STOP_TONE_DETECTED);
    CHECK(last_event.completion.status == RECRESP_OPERATION_STATUS_COMPLETED);
    CHECK(last_event.completion.code == 200 && last_event.completion.subcode == 8514);
    CHECK(!last_event.completion.has_recording);
    CHECK(strcmp(last_event.completion.message, "Action completed as stop tone was detected.") == 0);
    CHECK(strcmp(recresp_completion_reason_name(last_event.completion.reason), "stopToneDetected") ==
          0);
    CHECK(recresp_completion_reason_name(99) == NULL);
    CHECK(!running(r));

    /* After completion: inputs and commands are refused, the documents are available. */
    seen = event_count;
    EXPECT(recresp_channel_push_pcm(r, pcm, 160), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_channel_push_lost(r, 160), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_channel_handle_digit(r, 11, 0), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_channel_cancel(r), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_channel_hang_up(r), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_channel_fail(r), RECRESP_RESULT_NOT_RUNNING);
    EXPECT(recresp_channel_beep_failed(r), RECRESP_RESULT_NOT_PLAYING_BEEP);
    EXPECT(recresp_channel_advance(r, 160), RECRESP_RESULT_NOT_RUNNING);
    CHECK(events_since(seen) == RECRESP_EVENT_KIND_NONE);
    EXPECT(recresp_channel_completion(r, &c), RECRESP_RESULT_OK);
    CHECK(c.reason == RECRESP_COMPLETION_REASON_STOP_TONE_DETECTED && c.at == 240);
    EXPECT(recresp_channel_write_notification(r, S("call"), S("op"), S("loc"), S("tok"), doc, 64,
                                              &n),
           RECRESP_RESULT_BUFFER_TOO_SMALL);
    CHECK(n == 0);
    EXPECT(recresp_channel_write_notification(r, S("call"), S("op"), S("loc"), S("tok"), doc,
                                              sizeof doc, &n),
           RECRESP_RESULT_OK);
    CHECK(n == strlen(doc));
    CHECK(strstr(doc, "\"clientContext\":\"ctx\"") != NULL);
    CHECK(strstr(doc, "\"completionReason\":\"stopToneDetected\"") != NULL);
    /* No recording: Graph sends empty location and token. */
    CHECK(strstr(doc, "\"recordingLocation\":\"\"") != NULL);
    {
        size_t cap = 0;
        EXPECT(recresp_channel_notification_capacity(r, 4, 2, 3, 3, &cap), RECRESP_RESULT_OK);
        CHECK(cap <= sizeof doc && cap > n);
        EXPECT(recresp_channel_notification_capacity(r, SIZE_MAX, 2, 3, 3, &cap),
               RECRESP_RESULT_INVALID_ARGUMENT);
    }
    EXPECT(recresp_channel_write_notification(r, NULL, 4, S("op"), S("loc"), S("tok"), doc,
                                              sizeof doc, &n),
           RECRESP_RESULT_NULL_POINTER);

    /* Starting again runs a new operation; a hang-up before speech fails it with 8528. */
    EXPECT(recresp_settings_new(&s), RECRESP_RESULT_OK);
    seen = event_count;
    EXPECT(recresp_channel_start(r, s, RECRESP_PROMPT_FAILED, 0), RECRESP_RESULT_OK);
    CHECK(events_since(seen) == RECRESP_EVENT_KIND_COMPLETED);
    CHECK(last_event.completion.reason == RECRESP_COMPLETION_REASON_PLAY_PROMPT_FAILED);
    EXPECT(recresp_channel_start(r, s, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    /* A new operation picks its media path afresh. */
    EXPECT(recresp_channel_advance(r, 160), RECRESP_RESULT_OK);
    EXPECT(recresp_channel_push_pcm(r, pcm, 160), RECRESP_RESULT_MIXED_INPUT);
    seen = event_count;
    EXPECT(recresp_channel_hang_up(r), RECRESP_RESULT_OK);
    CHECK(events_since(seen) == RECRESP_EVENT_KIND_COMPLETED);
    CHECK(last_event.completion.subcode == 8528 &&
          last_event.completion.status == RECRESP_OPERATION_STATUS_FAILED);
    recresp_settings_free(s);
    recresp_channel_free(r);
}

/* Calls on a channel from its own callback are refused and do nothing. */
static void calls_from_the_callback(void)
{
    recresp_settings *s = NULL;
    recresp_channel *r = NULL;
    int i;

    EXPECT(recresp_settings_new(&s), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_set_play_beep(s, false), RECRESP_RESULT_OK);
    EXPECT(new_channel(RECRESP_CHANNEL_KIND_ULAW8K, &r), RECRESP_RESULT_OK);
    call_back_into = r;
    EXPECT(recresp_channel_start(r, s, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    call_back_into = NULL;
    CHECK(last_event.kind == RECRESP_EVENT_KIND_LISTENING);
    for (i = 0; i < 4; i++) {
        EXPECT(from_callback[i], RECRESP_RESULT_CHANNEL_BUSY);
    }
    CHECK(running(r));
    /* After the callback returned, the same call works. */
    EXPECT(recresp_channel_fail(r), RECRESP_RESULT_OK);
    CHECK(last_event.kind == RECRESP_EVENT_KIND_COMPLETED &&
          last_event.completion.reason == RECRESP_COMPLETION_REASON_UNSPECIFIED_ERROR);
    recresp_channel_free(r);
    recresp_settings_free(s);
}

/* Storage the caller provides, for hosts without malloc: the unions have the size and the
 * alignment the handles need, in C99. */
static struct {
    recresp_channel_storage_pcm16k channel;
    unsigned char spare[8];
} channel_area;
static recresp_settings_storage settings_area;

static void caller_storage(void)
{
    recresp_channel *r = NULL;
    recresp_settings *s = NULL;
    unsigned char *bytes = channel_area.channel.bytes;
    size_t size = sizeof channel_area.channel;

    CHECK(size == RECRESP_CHANNEL_SIZE_PCM16K);
    CHECK(recresp_channel_size(RECRESP_CHANNEL_KIND_PCM16K) <= RECRESP_CHANNEL_SIZE_PCM16K);
    CHECK(recresp_channel_size(RECRESP_CHANNEL_KIND_PCM8K) <= RECRESP_CHANNEL_SIZE_PCM8K);
    CHECK(recresp_channel_size(RECRESP_CHANNEL_KIND_ULAW8K) <= RECRESP_CHANNEL_SIZE_ULAW8K);
    CHECK(RECRESP_CHANNEL_SIZE_ULAW8K < RECRESP_CHANNEL_SIZE_PCM8K &&
          RECRESP_CHANNEL_SIZE_PCM8K < RECRESP_CHANNEL_SIZE_PCM16K);
    CHECK(sizeof(recresp_channel_storage) == RECRESP_CHANNEL_SIZE_PCM16K);
    CHECK(recresp_settings_storage_size() <= sizeof settings_area);
    EXPECT(recresp_channel_init_in(NULL, size, RECRESP_CHANNEL_KIND_PCM16K,
                                   RECRESP_NO_TELEPHONE_EVENTS, on_event, NULL, &r),
           RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_init_in(bytes, size, RECRESP_CHANNEL_KIND_PCM16K,
                                   RECRESP_NO_TELEPHONE_EVENTS, on_event, NULL, NULL),
           RECRESP_RESULT_NULL_POINTER);
    EXPECT(recresp_channel_init_in(bytes + 4, size, RECRESP_CHANNEL_KIND_PCM16K,
                                   RECRESP_NO_TELEPHONE_EVENTS, on_event, NULL, &r),
           RECRESP_RESULT_STORAGE_MISALIGNED);
    EXPECT(recresp_channel_init_in(bytes, recresp_channel_size(RECRESP_CHANNEL_KIND_PCM16K) - 1,
                                   RECRESP_CHANNEL_KIND_PCM16K, RECRESP_NO_TELEPHONE_EVENTS,
                                   on_event, NULL, &r),
           RECRESP_RESULT_STORAGE_TOO_SMALL);
    CHECK(r == NULL);
    EXPECT(recresp_channel_init_in(&channel_area.channel, size, RECRESP_CHANNEL_KIND_PCM16K, 101,
                                   on_event, NULL, &r),
           RECRESP_RESULT_OK);
    CHECK((void *)r == (void *)bytes);
    EXPECT(recresp_settings_init_in(&settings_area, 16, &s), RECRESP_RESULT_STORAGE_TOO_SMALL);
    EXPECT(recresp_settings_init_in(&settings_area, sizeof settings_area, &s), RECRESP_RESULT_OK);
    EXPECT(recresp_settings_set_play_beep(s, false), RECRESP_RESULT_OK);
    EXPECT(recresp_channel_start(r, s, RECRESP_PROMPT_NONE, 0), RECRESP_RESULT_OK);
    EXPECT(recresp_channel_cancel(r), RECRESP_RESULT_OK);
    CHECK(last_event.kind == RECRESP_EVENT_KIND_COMPLETED);
    CHECK(last_event.completion.reason == RECRESP_COMPLETION_REASON_OPERATION_CANCELED);
    /* _free on caller storage does nothing (ASan would report a bad free otherwise). */
    recresp_channel_free(r);
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
    for (code = 0; code <= RECRESP_RESULT_RATE_MISMATCH; code++) {
        const char *m = recresp_result_message(code);
        CHECK(m != NULL && m[0] != '\0');
    }
    CHECK(strcmp(recresp_result_message(RECRESP_RESULT_RATE_MISMATCH + 1), "unknown result code") ==
          0);
    CHECK(strcmp(recresp_result_message(RECRESP_RESULT_OK), "success") == 0);
    CHECK(strcmp(recresp_result_message(12345), "unknown result code") == 0);
    /* Published numbers never change; new codes come after the old ones. */
    CHECK(RECRESP_RESULT_NULL_POINTER == 1 && RECRESP_RESULT_BUFFER_TOO_SMALL == 3 &&
          RECRESP_RESULT_TOO_LONG == 12 && RECRESP_RESULT_NOT_RUNNING == 15 &&
          RECRESP_RESULT_UNSUPPORTED_PAYLOAD_TYPE == 21 && RECRESP_RESULT_RTP_PAYLOAD_TOO_LONG == 22 &&
          RECRESP_RESULT_CHANNEL_BUSY == 23 && RECRESP_RESULT_MIXED_INPUT == 24 &&
          RECRESP_RESULT_RATE_MISMATCH == 25);
    /* The "no telephone events" value is a typed constant (an untyped 4294967295 would be a
     * long on LP64 targets). */
    CHECK(sizeof(RECRESP_NO_TELEPHONE_EVENTS) == sizeof(uint32_t) &&
          RECRESP_NO_TELEPHONE_EVENTS == UINT32_MAX);
}

int main(void)
{
    null_handles();
    null_and_short_buffers();
    invalid_json();
    out_of_range_settings();
    use_after_completion();
    calls_from_the_callback();
    caller_storage();
    beep();
    result_messages();
    printf("c error paths: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
