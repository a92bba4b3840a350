package io.pagelab.questions.q10;

import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.CpuState;

/**
 * Q10 页保护模式是怎样的？ How does page-level protection work? (reference solution)
 *
 * <pre>
 *  for each entry, top first:  P = 0          -&gt; #PF code W U I
 *                              NX and !NXE    -&gt; #PF code P RSVD W U I
 *  writable = AND of R/W, user = AND of U/S, nx = OR of NX (with NXE)
 *  apply the rights table (U/S, R/W + CR0.WP, NX, SMEP, SMAP + AC)  -&gt; #PF code P W U I
 * </pre>
 */
public final class AccessCheck {
    private static final long P = 1L;
    private static final long RW = 1L << 1;
    private static final long US = 1L << 2;
    private static final long NX = 1L << 63;

    private AccessCheck() {
    }

    public static void check(long va, long[] entries, Access access, CpuState cpu) {
        boolean user = cpu.userMode();
        int accessBits = (user ? PageFault.PF_USER : 0)
                | (access == Access.WRITE ? PageFault.PF_WRITE : 0)
                | (access == Access.EXECUTE && (cpu.nxe() || cpu.smep()) ? PageFault.PF_INSTR : 0);
        boolean writable = true;
        boolean userPage = true;
        boolean noExec = false;
        for (long e : entries) {
            if ((e & P) == 0) {
                throw new PageFault(va, accessBits, user);
            }
            if ((e & NX) != 0 && !cpu.nxe()) {
                throw new PageFault(va, PageFault.PF_PROT | PageFault.PF_RSVD | accessBits, user);
            }
            writable &= (e & RW) != 0;
            userPage &= (e & US) != 0;
            noExec |= (e & NX) != 0;
        }
        boolean smapBlocks = userPage && cpu.smap() && !cpu.ac();
        boolean denied;
        if (access == Access.READ) {
            denied = user ? !userPage : smapBlocks;
        } else if (access == Access.WRITE) {
            denied = user ? !userPage || !writable : smapBlocks || (!writable && cpu.wp());
        } else {
            denied = (user ? !userPage : userPage && cpu.smep()) || noExec;
        }
        if (denied) {
            throw new PageFault(va, PageFault.PF_PROT | accessBits, user);
        }
    }
}
