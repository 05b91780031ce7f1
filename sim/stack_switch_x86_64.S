/* ws2sim stack switch for x86-64 System V (see stack_switch.h).
 *
 * void* ws2sim_switch_stack(void** save, void* to, void* data)
 *   rdi = where to store this context's stack pointer, rsi = the context to continue,
 *   rdx = the value the continued context's ws2sim_switch_stack returns (in rax).
 * A saved context is, from its stack pointer up: r15, r14, r13, r12, rbx, rbp, return address.
 * The floating-point control words (MXCSR, x87 CW) are not switched: saving them costs more than
 * the rest of the switch (stmxcsr and fnstcw are microcoded), and every simulated thread shares
 * one floating-point environment (see stack_switch.h).
 */
        .text
        .globl  ws2sim_switch_stack
        .type   ws2sim_switch_stack, @function
        .p2align 4
ws2sim_switch_stack:
        .cfi_startproc
        pushq   %rbp
        pushq   %rbx
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        movq    %rsp, (%rdi)
        movq    %rsi, %rsp
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbx
        popq    %rbp
        movq    %rdx, %rax
        ret
        .cfi_endproc
        .size   ws2sim_switch_stack, .-ws2sim_switch_stack

/* First code on a new stack: PrepareStack put the entry function in r12; the data passed to the
 * first switch arrives in rax. The entry never returns. */
        .globl  ws2sim_stack_trampoline
        .type   ws2sim_stack_trampoline, @function
        .p2align 4
ws2sim_stack_trampoline:
        .cfi_startproc
        .cfi_undefined rip
        movq    %rax, %rdi
        callq   *%r12
        ud2
        .cfi_endproc
        .size   ws2sim_stack_trampoline, .-ws2sim_stack_trampoline

        .section .note.GNU-stack,"",@progbits
