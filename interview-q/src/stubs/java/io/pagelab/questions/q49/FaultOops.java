package io.pagelab.questions.q49;

import io.pagelab.exercise.Todo;
import java.util.List;

/**
 * Q49 内核代码段如何防护注入？ How is kernel code protected from injection?
 *
 * <p>Three CPU features stop the classic ways of running attacker code in ring 0
 * (linux-reference.md §14.4):
 * <ul>
 *   <li>NX: the kernel maps its data, stacks and the direct map non-executable, so shellcode
 *       written into kernel memory cannot run;</li>
 *   <li>SMEP (CR4 bit 20): the kernel may not fetch instructions from a USER page, so "ret2usr"
 *       (overwrite a kernel function pointer with the address of code in the exploit's own
 *       memory) faults;</li>
 *   <li>SMAP (CR4 bit 21): the kernel may not even read or write user pages except inside
 *       stac()/clac() (copy_from_user() and friends), so forged structures in user memory are out
 *       of reach.</li>
 * </ul>
 * When one of them fires in kernel mode, the fault cannot be fixed up and the kernel prints an
 * oops. arch/x86/mm/fault.c: show_fault_oops() (Linux 6.x) starts it like this:
 *
 * <pre>
 *  only for an instruction fetch (error code bit 4, I):
 *    look up the page: walk from the PGD entry down, stop at a leaf or at an entry without P;
 *    nx = NX (bit 63) set in any entry of that walk
 *    leaf present and nx                         "kernel tried to execute NX-protected page - exploit attempt? (uid: %d)"
 *    leaf present, no nx, U/S (bit 2) in the PGD entry, CR4.SMEP
 *                                                "unable to execute userspace code (SMEP?) (uid: %d)"
 *  address &lt; 4096 and kernel mode                "BUG: kernel NULL pointer dereference, address: %px"
 *  otherwise                                      "BUG: unable to handle page fault for address: %px"
 *  "#PF: %s %s in %s mode"        user|supervisor (bit 2), instruction fetch|write access|read access
 *                                 (bit 4 first, then bit 1), user|kernel (the CPU mode)
 *  "#PF: error_code(0x%04x) - %s" not-present page (bit 0 clear) | reserved bit violation (bit 3)
 *                                 | protection keys violation (bit 5) | permissions violation
 * </pre>
 * %px prints the address as 16 lower-case hex digits without 0x. NX 让注入内核数据区的代码无法执行；SMEP 阻止内核执行用户页中的代码（ret2usr）；
 * SMAP 阻止内核在 stac/clac 之外访问用户内存。触发时内核打印上述 oops 信息。
 *
 * <p>Your task: implement {@link #showFaultOops}, returning those lines in order.
 *
 * <p>Do not call PageFault.getMessage(): the library prints the last three lines itself.
 *
 * <p>Run {@code ./pagelab grade q49} to check your work.
 */
public final class FaultOops {

    private FaultOops() {
    }

    /**
     * The first lines of the oops for a page fault the kernel could not handle.
     *
     * @param address the faulting address (CR2)
     * @param errorCode the #PF error code
     * @param userMode whether the CPU was in user mode (user_mode(regs))
     * @param walk the entries of the faulting address, PGD entry first, ending at the leaf or at the
     *     first entry without P
     * @param smep whether CR4.SMEP is set
     * @param uid the current task's uid
     * @return the lines, in order
     */
    public static List<String> showFaultOops(long address, int errorCode, boolean userMode, long[] walk,
            boolean smep, int uid) {
        throw new Todo("q49/FaultOops.java");
    }
}
