package io.pagelab.questions.q10;

import io.pagelab.exercise.Todo;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.CpuState;

/**
 * Q10 页保护模式是怎样的？ How does page-level protection work?
 *
 * <p>Linux makes segmentation flat and does all protection in the page tables. Every entry of a
 * walk, not only the last, carries rights bits (linux-reference.md §1.1): R/W (bit 1), U/S (bit 2)
 * and, with EFER.NXE, XD/NX (bit 63). The CPU combines them over the whole walk: a page is writable
 * only if every level allows writes, user-accessible only if every level has U/S, and not
 * executable if any level has NX. Then it checks the access against the CPU state (Intel SDM vol.
 * 3A §4.6; linux-reference.md §14.4):
 *
 * <pre>
 *  access   user mode (CPL 3)          supervisor mode (CPL 0)
 *  read     needs U/S                  a user page: denied if CR4.SMAP and not RFLAGS.AC
 *  write    needs U/S and R/W          a user page: denied if CR4.SMAP and not RFLAGS.AC;
 *                                      then needs R/W only if CR0.WP
 *  fetch    needs U/S and no NX        a user page: denied if CR4.SMEP; then needs no NX
 * </pre>
 *
 * 页级保护：每一级页表项的 R/W、U/S、NX 位共同决定权限（写需各级都可写，用户访问需各级 U/S，任一级 NX 即不可执行），
 * 再结合 CR0.WP、SMEP、SMAP 与 AC 判断这次访问是否允许。
 *
 * <p>A denied access raises #PF ({@link io.pagelab.api.error.PageFault}) with an error code
 * (linux-reference.md §1.3): P (0x1) set for a protection violation on present entries, clear when
 * an entry was not present; W (0x2) for a write; U (0x4) when the CPU was in user mode; I (0x10)
 * for an instruction fetch, but only when EFER.NXE or CR4.SMEP is on (SDM §4.7). With EFER.NXE off,
 * bit 63 of an entry is a reserved bit: a present entry with it set faults with P and RSVD (0x8)
 * instead.
 *
 * <p>Your task: implement {@link #check}. Go through the entries top first: the first entry
 * without P ends the walk with a not-present fault; a present entry with bit 63 while EFER.NXE is
 * off ends it with a reserved-bit fault. Otherwise combine the rights of all entries and apply the
 * table above. Throw {@code new PageFault(va, errorCode, cpu.userMode())}; return normally when
 * the access is allowed. Ignore protection keys, the other reserved bits and A/D.
 *
 * <p>Do not call io.pagelab.hardware.mmu.AccessRights or PageWalker: they are the library's own copy.
 *
 * <p>Run {@code ./pagelab grade q10} to check your work.
 */
public final class AccessCheck {

    private AccessCheck() {
    }

    /**
     * Decides whether the CPU allows {@code access} to {@code va} through these entries.
     *
     * @param va the linear address (it goes into the fault as CR2)
     * @param entries the raw 8-byte entries the walk reads, top level first, the leaf last
     * @param access read, write or instruction fetch
     * @param cpu CR0, CR4, EFER, RFLAGS and the privilege level
     * @throws io.pagelab.api.error.PageFault when the access is denied
     */
    public static void check(long va, long[] entries, Access access, CpuState cpu) {
        throw new Todo("q10/AccessCheck.java");
    }
}
