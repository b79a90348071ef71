/*
 * Reset and vector table for the embedded example on a Cortex-M3 (QEMU's mps2-an385):
 * copies .data, zeroes .bss, opens semihosting for printf, runs main and exits through
 * semihosting. Any fault stops the program by an exit with a non-zero status.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _stack_top;
extern int main(void);
extern void initialise_monitor_handles(void);

void reset_handler(void);
void fault_handler(void);

void reset_handler(void)
{
    uint32_t *src = &_sidata, *dst = &_sdata;
    while (dst < &_edata) {
        *dst++ = *src++;
    }
    for (dst = &_sbss; dst < &_ebss; dst++) {
        *dst = 0;
    }
    initialise_monitor_handles();
    exit(main());
}

void fault_handler(void)
{
    printf("fault\n");
    exit(3);
}

/* Initial stack pointer, then reset, NMI, hard fault, memory, bus and usage faults. */
__attribute__((section(".vectors"), used)) static void (*const vectors[16])(void) = {
    (void (*)(void))(uintptr_t)&_stack_top,
    reset_handler,
    fault_handler,
    fault_handler,
    fault_handler,
    fault_handler,
    fault_handler,
};
