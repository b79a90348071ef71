/* SpanDSP's DTMF receiver over a WAV file, as a whole process: the peer of
 * `recresp-sim dtmf FILE.wav` in the throughput comparison (benches/src/bin/dtmf_process.rs).
 * Reads a 16-bit mono 8 kHz PCM WAV in one block, runs dtmf_rx over it with SpanDSP's
 * default settings, and prints the digits it reports, one per line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *buf = malloc((size_t) size);
    if (!buf || fread(buf, 1, (size_t) size, f) != (size_t) size) { fprintf(stderr, "read failed\n"); return 1; }
    fclose(f);
    if (size < 12 || memcmp(buf, "RIFF", 4) || memcmp(buf + 8, "WAVE", 4)) { fprintf(stderr, "not WAV\n"); return 1; }
    long off = 12, data = -1;
    uint32_t data_len = 0;
    while (off + 8 <= size) {
        uint32_t len = le32(buf + off + 4);
        if (!memcmp(buf + off, "fmt ", 4)) {
            if (le16(buf + off + 8) != 1 || le16(buf + off + 10) != 1 || le32(buf + off + 12) != 8000 || le16(buf + off + 22) != 16) {
                fprintf(stderr, "needs 16-bit mono 8 kHz PCM\n");
                return 1;
            }
        } else if (!memcmp(buf + off, "data", 4)) {
            data = off + 8;
            data_len = len;
            break;
        }
        off += 8 + len + (len & 1);
    }
    if (data < 0 || data + (long) data_len > size) { fprintf(stderr, "no data chunk\n"); return 1; }
    size_t n = data_len / 2;
    int16_t *samples = malloc(n * sizeof *samples);
    for (size_t i = 0; i < n; i++)
        samples[i] = (int16_t) le16(buf + data + 2 * i);
    dtmf_rx_state_t *rx = dtmf_rx_init(NULL, on_digits, NULL);
    for (size_t i = 0; i < n; i += 8000) {
        size_t m = n - i < 8000 ? n - i : 8000;
        dtmf_rx(rx, samples + i, (int) m);
    }
    dtmf_rx_free(rx);
    free(samples);
    free(buf);
    return 0;
}
