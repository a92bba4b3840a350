package io.pagelab.hardware.mmu;

import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.tlb.Translation;

/**
 * The access-rights rules a CPU applies to a completed translation (Intel SDM vol. 3A §4.6 "Access
 * rights", §4.6.2 "Protection keys"; SMEP/SMAP in linux-reference.md §14.4). The rights come from
 * all levels of the walk: writable only if every level has R/W=1, a user page only if every level
 * has U/S=1, not executable if any level has NX=1 (with EFER.NXE).
 *
 * <pre>
 *  access         CPL 3 (user mode)               CPL 0-2 (supervisor mode)
 *  read           needs U                         user page: denied if SMAP and not RFLAGS.AC
 *  write          needs U and W                   user page: denied if SMAP and not RFLAGS.AC;
 *                                                 then needs W if CR0.WP (WP=0: writes anything)
 *  fetch          needs U, and not NX             user page: denied if SMEP; then not NX
 *  protection keys (CR4.PKE, data accesses to user pages only): PKRU.AD[key] denies all,
 *                 PKRU.WD[key] denies writes in user mode, and supervisor writes if CR0.WP
 * </pre>
 *
 * A denied access raises #PF with error code P=1 plus W (write), U (CPL 3), I (fetch, when
 * EFER.NXE or CR4.SMEP is on, as the SDM §4.7 says) and PK when a protection key denied it.
 * Differs from hardware: implicit supervisor accesses (to the GDT, IDT...) and CR4.PKS are not
 * modelled; a protection-key check only runs when the paging rights allow the access.
 */
public final class AccessRights {

    private AccessRights() {
    }

    /** The W, U and I bits of the error code for this access, without P. */
    public static int accessBits(Access access, CpuState cpu) {
        int bits = cpu.userMode() ? PageFault.PF_USER : 0;
        if (access == Access.WRITE) {
            bits |= PageFault.PF_WRITE;
        } else if (access == Access.EXECUTE && (cpu.nxe() || cpu.smep())) {
            bits |= PageFault.PF_INSTR;
        }
        return bits;
    }

    /**
     * Zero when the translation allows the access in this CPU state, otherwise the page-fault error
     * code (P=1 with the access bits, and PK for a protection-key denial).
     */
    public static int faultCode(long translation, Access access, CpuState cpu) {
        boolean userPage = (translation & Translation.USER) != 0;
        boolean writable = (translation & Translation.WRITABLE) != 0;
        boolean user = cpu.userMode();
        boolean denied;
        switch (access) {
            case READ:
                denied = user ? !userPage : userPage && cpu.smap() && !cpu.ac();
                break;
            case WRITE:
                denied = user ? !userPage || !writable
                        : (userPage && cpu.smap() && !cpu.ac()) || (!writable && cpu.wp());
                break;
            default: // EXECUTE
                denied = (user ? !userPage : userPage && cpu.smep())
                        || ((translation & Translation.NX) != 0 && cpu.nxe());
                break;
        }
        if (denied) {
            return PageFault.PF_PROT | accessBits(access, cpu);
        }
        if (access != Access.EXECUTE && userPage && cpu.pke()) {
            int key = Translation.protectionKey(translation);
            if (cpu.accessDisabled(key)
                    || (access == Access.WRITE && cpu.writeDisabled(key) && (user || cpu.wp()))) {
                return PageFault.PF_PROT | PageFault.PF_PK | accessBits(access, cpu);
            }
        }
        return 0;
    }
}
