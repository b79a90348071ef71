/* SpanDSP's DTMF receiver over a WAV file, as a whole process: the peer of
 * `recresp-sim dtmf FILE.wav` in the throughput comparison (benches/src/bin/dtmf_process.rs).
 * Reads a 16-bit mono 8 kHz PCM WAV in blocks of 64 KiB, runs dtmf_rx over each with
 * SpanDSP's default settings, and prints the digits it reports, one per line. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <spandsp.h>

static void on_digits(void *user, const char *digits, int len) {
    (void) user;
    for (int i = 0; i < len; i++)
        printf("%c\n", digits[i]);
}

static uint32_t le32(const unsigned char *p) { return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t) p[3] << 24; }
static uint16_t le16(const unsigned char *p) { return (uint16_t) (p[0] | p[1] << 8); }

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: spandsp_dtmf FILE.wav\n");
        return 2;
    }
    FILE *f = fopen(argv[1], "rb");
    if (!f) { perror(argv[1]); return 1; }
    /* The header: RIFF/WAVE, then chunks up to "data". */
    unsigned char head[12], chunk[8], fmt[16];
    if (fread(head, 1, 12, f) != 12 || memcmp(head, "RIFF", 4) || memcmp(head + 8, "WAVE", 4)) {
        fprintf(stderr, "not WAV\n");
        return 1;
    }
    uint32_t data_len = 0;
    for (;;) {
        if (fread(chunk, 1, 8, f) != 8) { fprintf(stderr, "no data chunk\n"); return 1; }
        uint32_t len = le32(chunk + 4);
        if (!memcmp(chunk, "data", 4)) { data_len = len; break; }
        if (!memcmp(chunk, "fmt ", 4)) {
            if (len < 16 || fread(fmt, 1, 16, f) != 16) { fprintf(stderr, "bad fmt\n"); return 1; }
            if (le16(fmt) != 1 || le16(fmt + 2) != 1 || le32(fmt + 4) != 8000 || le16(fmt + 14) != 16) {
                fprintf(stderr, "needs 16-bit mono 8 kHz PCM\n");
                return 1;
            }
            len -= 16;
        }
        if (fseek(f, (long) (len + (len & 1)), SEEK_CUR) != 0) { fprintf(stderr, "bad chunk\n"); return 1; }
    }
    /* The samples, in blocks of 64 KiB (as recresp-sim reads them), each converted from
     * little-endian and handed to dtmf_rx. */
    static unsigned char block[1 << 16];
    static int16_t samples[1 << 15];
    dtmf_rx_state_t *rx = dtmf_rx_init(NULL, on_digits, NULL);
    size_t left = data_len;
    while (left > 0) {
        size_t want = left < sizeof block ? left : sizeof block;
        size_t got = fread(block, 1, want, f);
        if (got != want) { fprintf(stderr, "truncated\n"); return 1; }
        size_t n = got / 2;
        for (size_t i = 0; i < n; i++)
            samples[i] = (int16_t) le16(block + 2 * i);
        dtmf_rx(rx, samples, (int) n);
        left -= got;
    }
    dtmf_rx_free(rx);
    fclose(f);
    return 0;
}
