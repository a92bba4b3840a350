package io.pagelab.kernel.mm;

import io.pagelab.api.Prot;
import io.pagelab.api.error.InvalidArgumentException;

/**
 * execve() of a {@link ProgramImage} into a fresh mm, in the order of fs/binfmt_elf.c:
 * load_elf_binary() (Linux 6.9+): the mmap layout is picked (arch_pick_mmap_layout: mmap_base
 * with its random offset), the stack is placed (randomize_stack_top, setup_arg_pages with 128 KiB
 * of room below the argument pages), every PT_LOAD is mapped privately from the file (PIE at
 * ELF_ET_DYN_BASE + arch_mmap_rnd()), bss past the file's last page becomes anonymous memory,
 * the break starts at the page after bss (randomized in a 1 GiB range when
 * randomize_va_space is 2), and the vDSO pair ([vvar] 4 pages, [vdso] 2 pages) goes where
 * get_unmapped_area puts it, below mmap_base.
 *
 * <p>Differs from Linux on purpose: no program interpreter (the image is treated as static, so
 * there is no ld.so and no RELRO mprotect), and the stack's initial pointer sits in the top
 * argument page without the arch_align_stack jitter.
 */
final class ElfLoader {
    /** setup_arg_pages: stack_expand = 131072UL, room for the stack to grow before any fault. */
    static final long STACK_EXPAND = 128L << 10;

    private ElfLoader() {
    }

    static Task load(Kernel kernel, ProgramImage image) {
        KernelConfig cfg = kernel.config();
        boolean randomize = cfg.randomize();
        Mm mm = kernel.newMm(null);
        mm.randomized = randomize;
        // setup_new_exec -> arch_pick_mmap_layout
        long rnd = MmLayout.archRnd(randomize, cfg.mmapRndBits(), kernel::nextRandom);
        mm.mmapBase = MmLayout.mmapBase(rnd, cfg.stackRlimit(), randomize, cfg.stackGuardGapPages() << 12);
        // setup_arg_pages(randomize_stack_top(STACK_TOP))
        long stackTop = MmLayout.stackTop(randomize, kernel::nextRandom);
        long argBottom = stackTop - (long) image.argPages() * Mm.PAGE;
        int stackFlags = Vma.VM_READ | Vma.VM_WRITE | Vma.VM_MAYREAD | Vma.VM_MAYWRITE | Vma.VM_MAYEXEC
                | Vma.VM_GROWSDOWN | Vma.VM_ACCOUNT;
        mm.addVma(Vma.anonymous(argBottom - STACK_EXPAND, stackTop, stackFlags, null));
        mm.startStack = stackTop - 0x100;
        // PT_LOADs
        long bias = 0;
        if (image.pie()) {
            long r = randomize ? MmLayout.archRnd(true, cfg.mmapRndBits(), kernel::nextRandom) : 0;
            bias = (MmLayout.ELF_ET_DYN_BASE + r) & -Mm.PAGE;
        }
        MappedFile file = kernel.createFile(new MappedFile(image.path(), image.devMajor(), image.devMinor(), image.ino()), image.fileSize(), null);
        long bssEnd = 0;
        mm.startCode = Long.MAX_VALUE;
        for (ProgramImage.Segment s : image.segments()) {
            long start = (bias + s.vaddr()) & -Mm.PAGE;
            long fileEnd = MmLayout.pageAlign(bias + s.vaddr() + s.filesz());
            long memEnd = MmLayout.pageAlign(bias + s.vaddr() + s.memsz());
            int prot = ((s.flags() & ProgramImage.PF_R) != 0 ? Prot.READ : 0)
                    | ((s.flags() & ProgramImage.PF_W) != 0 ? Prot.WRITE : 0)
                    | ((s.flags() & ProgramImage.PF_X) != 0 ? Prot.EXEC : 0);
            if (fileEnd > start) {
                mm.mmapFile(start, fileEnd - start, Prot.of(prot | Prot.USER), Mm.MAP_PRIVATE | Mm.MAP_FIXED, file,
                        s.offset() & -Mm.PAGE);
            }
            if (memEnd > fileEnd) {
                mm.mmap(fileEnd, memEnd - fileEnd, Prot.of(prot | Prot.USER),
                        Mm.MAP_PRIVATE | Mm.MAP_ANONYMOUS | Mm.MAP_FIXED);
            }
            if ((s.flags() & ProgramImage.PF_X) != 0) {
                mm.startCode = Math.min(mm.startCode, bias + s.vaddr());
                mm.endCode = Math.max(mm.endCode, bias + s.vaddr() + s.filesz());
            }
            if ((s.flags() & ProgramImage.PF_W) != 0) {
                mm.startData = bias + s.vaddr();
                mm.endData = bias + s.vaddr() + s.filesz();
            }
            bssEnd = Math.max(bssEnd, bias + s.vaddr() + s.memsz());
        }
        if (mm.startCode == Long.MAX_VALUE) {
            throw new InvalidArgumentException("image " + image.path() + " has no executable PT_LOAD (PF_X)");
        }
        long brk = MmLayout.pageAlign(bssEnd);
        if (randomize && cfg.randomizeVaSpace() > 1) {
            brk = MmLayout.randomizePage(brk + Mm.PAGE, MmLayout.BRK_RND_RANGE, kernel::nextRandom);
        }
        mm.startBrk = brk;
        mm.brk = brk;
        // arch_setup_additional_pages: vvar (4 pages) + vdso (2 pages) in one unmapped area
        long area = mm.getUnmappedArea(0, 6 * Mm.PAGE, false, false);
        int special = Vma.VM_DONTEXPAND | Vma.VM_SOFTDIRTY;
        mm.addVma(Vma.anonymous(area, area + 4 * Mm.PAGE, Vma.VM_READ | Vma.VM_MAYREAD | Vma.VM_IO | Vma.VM_PFNMAP
                | special, "[vvar]"));
        mm.addVma(Vma.anonymous(area + 4 * Mm.PAGE, area + 6 * Mm.PAGE, Vma.VM_READ | Vma.VM_EXEC | Vma.VM_MAYREAD
                | Vma.VM_MAYWRITE | Vma.VM_MAYEXEC | special, "[vdso]"));
        String comm = image.path().substring(image.path().lastIndexOf('/') + 1);
        return kernel.newTask(comm.length() > 15 ? comm.substring(0, 15) : comm, mm, 0);
    }
}
