package io.pagelab.lessons.arch;

import io.pagelab.api.PageTable;
import io.pagelab.api.Prot;
import io.pagelab.hardware.Machine;
import io.pagelab.hardware.arm64.Arm64CpuState;
import io.pagelab.hardware.arm64.Arm64Level;
import io.pagelab.hardware.arm64.Arm64PageTable;
import io.pagelab.hardware.arm64.Arm64PageWalker;
import io.pagelab.hardware.arm64.Arm64VirtualAddress;
import io.pagelab.hardware.arm64.Arm64WalkTrace;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.BumpPageTableAllocator;
import io.pagelab.hardware.mmu.CpuState;
import io.pagelab.hardware.mmu.PageWalker;
import io.pagelab.hardware.mmu.PagingLevel;
import io.pagelab.hardware.mmu.WalkTrace;
import io.pagelab.hardware.mmu.X86PageTable;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.hardware.riscv.RiscvCpuState;
import io.pagelab.hardware.riscv.RiscvPageTable;
import io.pagelab.hardware.riscv.RiscvPageWalker;
import io.pagelab.hardware.riscv.RiscvWalkTrace;
import io.pagelab.hardware.riscv.SvMode;

/**
 * The same small program mapped on three machines through the one {@link PageTable} interface:
 * an x86-64 PC with 4-level paging, an arm64 machine (4 KiB granule, 48-bit VAs) and a RISC-V
 * hart with Sv39. Each machine has its own RAM, laid out like the QEMU 4 GiB PC of
 * linux-reference.md §2.4 (a), and takes its table frames from the same physical range, so the
 * three sets of tables can be compared address for address.
 *
 * <pre>
 *  0x400000                 -&gt; pfn 0x12345  r-x user   program text
 *  0x601000                 -&gt; pfn 0x23456  rw- user   program data
 *  PAGE_OFFSET + 0x2000000  -&gt; pfn 0x2000   rw- kernel a page of the kernel's linear map
 *  PAGE_OFFSET: x86-64 0xffff888000000000, arm64 0xffff000000000000, Sv39 0xffffffd600000000
 * </pre>
 *
 * The PAGE_OFFSET values are those of Linux 6.x without KASLR: arch/x86/include/asm/page_64_types.h
 * (__PAGE_OFFSET_BASE_L4), arch/arm64/include/asm/memory.h (48-bit VAs) and
 * arch/riscv/include/asm/page.h (PAGE_OFFSET_L3, Linux 6.12+; 0xffffffd800000000 before). Differs
 * from real machines on purpose: all three have RAM from physical address 0, like the PC (QEMU's
 * arm64 and RISC-V boards start it at 0x40000000 and 0x80000000), so the same frame numbers work
 * everywhere. The process-context tag is 1 everywhere: x86 PCID, arm64 ASID, RISC-V ASID.
 */
final class ThreeMachines {

    /** The program's text page. */
    static final long TEXT = 0x400000L;
    /** The program's data page. */
    static final long DATA = 0x601000L;
    /** A variable in the data page: the address the lesson splits and writes to. */
    static final long VARIABLE = DATA + 0xa38L;
    static final long TEXT_PFN = 0x12345L;
    static final long DATA_PFN = 0x23456L;
    static final long KERNEL_PFN = 0x2000L;
    /** Where the kernel page lies in each linear map: 32 MiB in. */
    static final long KERNEL_OFFSET = KERNEL_PFN << 12;

    /** __PAGE_OFFSET_BASE_L4: the x86-64 direct map without KASLR. */
    static final long X86_PAGE_OFFSET = 0xffff888000000000L;
    /** arm64 PAGE_OFFSET with 48-bit VAs (Linux 5.4+): the start of the TTBR1 half. */
    static final long ARM64_PAGE_OFFSET = Arm64VirtualAddress.TTBR1_START;
    /** RISC-V PAGE_OFFSET_L3 (Sv39), Linux 6.12+. */
    static final long SV39_PAGE_OFFSET = 0xffffffd600000000L;

    /** Page-table frames come from [1 MiB, 2 MiB) on every machine. */
    static final long POOL_START = 0x100000L;
    static final long POOL_END = 0x200000L;
    /** The process's PCID / ASID. */
    static final int CONTEXT_TAG = 1;

    final SimulatedRam x86Ram = Machine.qemu4G().ram();
    final SimulatedRam armRam = Machine.qemu4G().ram();
    final SimulatedRam rvRam = Machine.qemu4G().ram();
    final X86PageTable x86 = X86PageTable.create(x86Ram, new BumpPageTableAllocator(x86Ram, POOL_START, POOL_END));
    final Arm64PageTable arm = Arm64PageTable.create(armRam, new BumpPageTableAllocator(armRam, POOL_START, POOL_END));
    final RiscvPageTable rv = RiscvPageTable.create(rvRam,
            new BumpPageTableAllocator(rvRam, POOL_START, POOL_END), SvMode.SV39);
    private final PageWalker x86Walker = new PageWalker(x86Ram);
    private final Arm64PageWalker armWalker = new Arm64PageWalker(armRam);
    private final RiscvPageWalker rvWalker = new RiscvPageWalker(rvRam);

    /** Maps the program on all three machines with the same calls. */
    ThreeMachines() {
        program(x86, X86_PAGE_OFFSET);
        program(arm, ARM64_PAGE_OFFSET);
        program(rv, SV39_PAGE_OFFSET);
    }

    /** The three calls, written once for any architecture. */
    private static void program(PageTable table, long pageOffset) {
        table.map(TEXT, TEXT_PFN, Prot.USER_RX);
        table.map(DATA, DATA_PFN, Prot.USER_RW);
        table.map(pageOffset + KERNEL_OFFSET, KERNEL_PFN, Prot.KERNEL_RW);
    }

    static long x86KernelPage() {
        return X86_PAGE_OFFSET + KERNEL_OFFSET;
    }

    static long armKernelPage() {
        return ARM64_PAGE_OFFSET + KERNEL_OFFSET;
    }

    static long rvKernelPage() {
        return SV39_PAGE_OFFSET + KERNEL_OFFSET;
    }

    // ---- registers ----

    long cr3() {
        return x86.cr3(CONTEXT_TAG);
    }

    long ttbr0() {
        return arm.ttbr0(CONTEXT_TAG);
    }

    long ttbr1() {
        return arm.ttbr1();
    }

    long satp() {
        return rv.satp(CONTEXT_TAG);
    }

    // ---- leaf entries (4 KiB pages) ----

    long x86Leaf(long va) {
        return x86.entry(va, PagingLevel.PT);
    }

    long armLeaf(long va) {
        return arm.entry(va, Arm64Level.LEVEL3);
    }

    long rvLeaf(long va) {
        return rv.entry(va, 0);
    }

    // ---- hardware walks ----

    WalkTrace x86Walk(long va, Access access, boolean user) {
        CpuState cpu = CpuState.linux();
        return x86Walker.trace(cr3(), va, access, user ? cpu.user() : cpu.kernel());
    }

    Arm64WalkTrace armWalk(long va, Access access, boolean user) {
        return armWalker.trace(ttbr0(), ttbr1(), va, access,
                user ? Arm64CpuState.linuxUser() : Arm64CpuState.linuxKernel());
    }

    RiscvWalkTrace rvWalk(long va, Access access, boolean user) {
        return rvWalker.trace(satp(), va, access, user ? RiscvCpuState.user() : RiscvCpuState.supervisor());
    }
}
