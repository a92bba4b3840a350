package io.pagelab.kernel.mm;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * Rebuilds a process from the text of a real /proc/pid/maps, so that a recorded sequence of
 * system calls can be replayed on the same layout: file lines become private or shared file
 * mappings with the same device, inode and offset; [heap], [stack], [vvar], [vvar_vclock],
 * [vdso] and unnamed lines become anonymous areas with the flags Linux gives them; [vsyscall]
 * switches the gate line on. mmap_base is the ASLR-off value (a capture under setarch -R).
 */
final class MapsImage {
    private MapsImage() {
    }

    static Task spawn(Kernel kernel, String comm, String maps, long startBrk) {
        Mm mm = kernel.newMm(null);
        KernelConfig cfg = kernel.config();
        mm.mmapBase = MmLayout.mmapBase(0, cfg.stackRlimit(), false, cfg.stackGuardGapPages() << 12);
        mm.vsyscall = false;
        mm.startBrk = startBrk;
        mm.brk = startBrk;
        int lineNo = 0;
        for (String line : maps.split("\n")) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.trim().split("\\s+", 6);
            if (f.length < 5 || f[0].indexOf('-') < 0 || f[1].length() != 4) {
                throw new InvalidArgumentException("maps line " + lineNo + " is not in /proc/pid/maps format: " + line);
            }
            long start = Long.parseUnsignedLong(f[0].substring(0, f[0].indexOf('-')), 16);
            long end = Long.parseUnsignedLong(f[0].substring(f[0].indexOf('-') + 1), 16);
            String perms = f[1];
            long offset = Long.parseUnsignedLong(f[2], 16);
            String[] dev = f[3].split(":");
            long ino = Long.parseLong(f[4]);
            String name = f.length > 5 ? f[5] : null;
            if ("[vsyscall]".equals(name)) {
                mm.vsyscall = true;
                continue;
            }
            int flags = (perms.charAt(0) == 'r' ? Vma.VM_READ : 0) | (perms.charAt(1) == 'w' ? Vma.VM_WRITE : 0)
                    | (perms.charAt(2) == 'x' ? Vma.VM_EXEC : 0) | Vma.VM_MAYREAD | Vma.VM_MAYWRITE | Vma.VM_MAYEXEC;
            if (perms.charAt(3) == 's') {
                flags |= Vma.VM_SHARED | Vma.VM_MAYSHARE;
            }
            Vma v;
            if (ino != 0 && name != null) {
                MappedFile id = new MappedFile(name, Integer.parseInt(dev[0], 16), Integer.parseInt(dev[1], 16), ino);
                kernel.createFile(id, offset + (end - start), null);
                v = Vma.fileBacked(start, end, flags, offset >>> 12, id);
            } else if ("[stack]".equals(name)) {
                v = Vma.anonymous(start, end, flags | Vma.VM_GROWSDOWN | Vma.VM_ACCOUNT, null);
                mm.startStack = end - 0x100;
            } else if ("[heap]".equals(name)) {
                v = Vma.anonymous(start, end, flags | Vma.VM_ACCOUNT | Vma.VM_SOFTDIRTY, null);
                mm.startBrk = Math.min(mm.startBrk, start);
                mm.brk = end;
            } else if (name != null && name.startsWith("[")) {
                v = Vma.anonymous(start, end, flags | Vma.VM_DONTEXPAND | Vma.VM_SOFTDIRTY
                        | (name.startsWith("[vvar") ? Vma.VM_IO | Vma.VM_PFNMAP : 0), name);
            } else {
                v = Vma.anonymous(start, end, flags | Vma.VM_SOFTDIRTY
                        | ((flags & (Vma.VM_WRITE | Vma.VM_SHARED)) == Vma.VM_WRITE ? Vma.VM_ACCOUNT : 0), name);
            }
            mm.vmas.insert(v);
            // vm_stat_account() for every VMA, as mmap_region/setup_arg_pages did in the real process:
            // total_vm and the exec/stack/data split that VmExe/VmLib, VmStk and VmData print
            mm.vmStatAccount(v.flags(), v.pages());
        }
        return kernel.newTask(comm, mm, 0);
    }
}
