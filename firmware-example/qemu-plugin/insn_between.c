/*
 * insn_between: a QEMU TCG plugin that counts the guest instructions executed between two
 * marker functions, for recresp's firmware cost figures.
 *
 *   qemu-system-arm ... -plugin ./insn_between.so,start=0xADDR,stop=0xADDR[,hist=FILE]
 *
 * Counting starts when the translation block at `start` begins executing (that block is
 * counted) and stops when the block at `stop` begins (not counted). At exit it prints the
 * number of stretches, the instructions in all of them, the mean and the largest. With
 * `hist=FILE` it also writes, for every block executed while counting, its address, its
 * length in instructions and the instructions it contributed, for attributing the cost to
 * source files.
 *
 * Counts are per translation block: a block runs to its end unless an exception interrupts
 * it, and the firmware runs with interrupts off, so the counts are exact.
 *
 * The few plugin API declarations it needs are written out here (QEMU 7.2, plugin API
 * version 1); Debian ships no qemu-plugin.h.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef uint64_t qemu_plugin_id_t;
struct qemu_plugin_tb;
typedef struct qemu_info_t qemu_info_t;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void *userdata);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void *userdata);
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb *tb);

#define QEMU_PLUGIN_EXPORT __attribute__((visibility("default")))
QEMU_PLUGIN_EXPORT int qemu_plugin_version = 1;

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb *tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void *userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb *tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb *tb);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void *userdata);
void qemu_plugin_outs(const char *string);

/* One translated block: where it starts, how many instructions, and what it contributed. */
struct block {
    uint64_t vaddr;
    uint64_t n_insns;
    uint64_t counted; /* instructions executed in it while counting */
    struct block *next;
};

static uint64_t start_addr, stop_addr;
static int counting;
static uint64_t current, total, stretches, largest;
static struct block *blocks; /* every block translated, for the histogram */
static char *hist_path;

static void on_block(unsigned int vcpu, void *userdata)
{
    struct block *b = userdata;
    (void)vcpu;
    if (b->vaddr == start_addr) {
        counting = 1;
        current = 0;
    } else if (b->vaddr == stop_addr && counting) {
        counting = 0;
        total += current;
        stretches++;
        if (current > largest)
            largest = current;
    }
    if (counting) {
        current += b->n_insns;
        b->counted += b->n_insns;
    }
}

static void on_translate(qemu_plugin_id_t id, struct qemu_plugin_tb *tb)
{
    struct block *b = calloc(1, sizeof *b);
    (void)id;
    if (!b)
        return;
    b->vaddr = qemu_plugin_tb_vaddr(tb);
    b->n_insns = qemu_plugin_tb_n_insns(tb);
    b->next = blocks;
    blocks = b;
    qemu_plugin_register_vcpu_tb_exec_cb(tb, on_block, QEMU_PLUGIN_CB_NO_REGS, b);
}

static void report_at_exit(qemu_plugin_id_t id, void *userdata)
{
    char line[256];
    (void)id;
    (void)userdata;
    snprintf(line, sizeof line,
             "insn_between: stretches=%" PRIu64 " instructions=%" PRIu64 " mean=%" PRIu64
             " largest=%" PRIu64 "\n",
             stretches, total, stretches ? total / stretches : 0, largest);
    qemu_plugin_outs(line);
    if (hist_path) {
        FILE *f = fopen(hist_path, "w");
        if (!f) {
            qemu_plugin_outs("insn_between: cannot write the histogram\n");
            return;
        }
        for (struct block *b = blocks; b; b = b->next)
            if (b->counted)
                fprintf(f, "%#" PRIx64 " %" PRIu64 " %" PRIu64 "\n", b->vaddr, b->n_insns,
                        b->counted);
        fclose(f);
    }
}

/* Parses "0x..." or decimal; the Thumb bit of a function symbol is cleared. */
static uint64_t parse_addr(const char *s)
{
    return strtoull(s, NULL, 0) & ~(uint64_t)1;
}

QEMU_PLUGIN_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t *info, int argc,
                                           char **argv)
{
    (void)info;
    for (int i = 0; i < argc; i++) {
        if (strncmp(argv[i], "start=", 6) == 0)
            start_addr = parse_addr(argv[i] + 6);
        else if (strncmp(argv[i], "stop=", 5) == 0)
            stop_addr = parse_addr(argv[i] + 5);
        else if (strncmp(argv[i], "hist=", 5) == 0)
            hist_path = strdup(argv[i] + 5);
        else {
            fprintf(stderr, "insn_between: unknown argument %s\n", argv[i]);
            return -1;
        }
    }
    if (!start_addr || !stop_addr || start_addr == stop_addr) {
        fprintf(stderr, "insn_between: needs start=ADDR,stop=ADDR (two different functions)\n");
        return -1;
    }
    qemu_plugin_register_vcpu_tb_trans_cb(id, on_translate);
    qemu_plugin_register_atexit_cb(id, report_at_exit, NULL);
    return 0;
}
