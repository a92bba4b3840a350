package io.pagelab.kernel.procfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.kernel.mm.MmCounters;
import org.junit.jupiter.api.Test;

/**
 * /proc/pid/status memory lines and /proc/pid/statm of the captured process. The mm counters are
 * rebuilt from the captured smaps with the kernel's accounting rules (mm/internal.h:
 * is_data_mapping, is_stack_mapping, is_exec_mapping; applied here to the VmFlags mnemonics, not
 * through the code under test); start_code/end_code come from the captured /proc/pid/stat.
 */
class TaskMemTest {

    /** The counters of the captured process, derived from its smaps and stat. */
    static MmCounters capturedCounters() {
        long total = 0;
        long data = 0;
        long stack = 0;
        long exec = 0;
        long locked = 0;
        long anon = 0;
        long shmem = 0;
        long rss = 0;
        for (String e : ProcSamples.smapsEntries()) {
            String maps = ProcSamples.firstLine(e);
            if (maps.endsWith("[vsyscall]\n")) {
                continue; // the gate VMA is not part of the mm
            }
            long pages = ProcSamples.kb(e, "Size") / 4;
            String flags = e.substring(e.indexOf("VmFlags:")) ;
            boolean wr = flags.contains(" wr ");
            boolean sh = flags.contains(" sh ");
            boolean gd = flags.contains(" gd ");
            boolean ex = flags.contains(" ex ");
            total += pages;
            if (wr && !sh && !gd) {
                data += pages;           // private writable: data_vm
            }
            if (gd) {
                stack += pages;          // VM_STACK: stack_vm
            }
            if (ex && !wr && !gd) {
                exec += pages;           // executable, not writable: exec_vm
            }
            if (flags.contains(" lo ")) {
                locked += pages;
            }
            anon += ProcSamples.kb(e, "Anonymous") / 4;
            rss += ProcSamples.kb(e, "Rss") / 4;
            if (maps.endsWith("/dev/zero (deleted)\n")) {
                shmem += ProcSamples.kb(e, "Rss") / 4;   // shared anonymous memory is shmem
            }
        }
        String[] stat = ProcSamples.file("stat").trim().split(" ");
        long startCode = Long.parseLong(stat[25]);   // field 26 startcode
        long endCode = Long.parseLong(stat[26]);     // field 27 endcode
        String status = ProcSamples.file("status");
        // history the snapshot cannot show: the peaks (hiwater_*) are taken from the capture, as is
        // the page-table size (VmPTE)
        long hiwaterVm = ProcSamples.kb(status, "VmPeak") / 4;
        long hiwaterRss = ProcSamples.kb(status, "VmHWM") / 4;
        long pgtables = ProcSamples.kb(status, "VmPTE") * 1024;
        return new MmCounters(total, hiwaterVm, locked, 0, hiwaterRss, anon, rss - anon - shmem, shmem, 0, data,
                stack, exec, startCode, endCode, pgtables, 0);
    }

    @Test
    void theCapturedStatusMemoryLinesFollowFromTheMmCounters() {
        String status = ProcSamples.file("status");
        int from = status.indexOf("VmPeak:");
        int to = status.indexOf('\n', status.indexOf("HugetlbPages:")) + 1;
        assertThat(TaskMem.render(capturedCounters(), true)).isEqualTo(status.substring(from, to));
    }

    @Test
    void theCapturedStatmFollowsFromTheSameCounters() {
        assertThat(Statm.render(capturedCounters())).isEqualTo(ProcSamples.file("statm"));
    }

    @Test
    void peaksNeverShowBelowTheCurrentValues() {
        // hiwater_* are only raised just before a decrease, so they can lag behind: task_mem prints the max
        MmCounters c = new MmCounters(100, 10, 0, 0, 1, 3, 4, 5, 0, 0, 0, 0, 0x401000, 0x401000, 0, 0);
        String out = TaskMem.render(c, false);
        assertThat(out).startsWith("VmPeak:\t     400 kB\nVmSize:\t     400 kB\n");
        assertThat(out).contains("VmHWM:\t      48 kB\nVmRSS:\t      48 kB\n");
        assertThat(out).doesNotContain("HugetlbPages");
    }

    @Test
    void vmExeIsCappedAtExecVmSoVmLibIsNeverNegative() {
        // fs/proc/task_mmu.c task_mem: text = min(PAGE_ALIGN(end_code) - start_code, exec_vm << PAGE_SHIFT).
        // Code 0x401000-0x403000 is 8 kB, but only one executable page is still mapped (exec_vm 1 = 4 kB):
        // VmExe 4 kB and VmLib 4 - 4 = 0 kB. task_statm has no such cap: its text field stays 2 pages.
        MmCounters c = new MmCounters(5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0x401000, 0x403000, 0, 0);
        assertThat(TaskMem.render(c, false)).contains("VmExe:\t       4 kB\nVmLib:\t       0 kB\n");
        assertThat(Statm.render(c)).isEqualTo("5 0 0 2 0 0 0\n");
    }

    @Test
    void vmExeRoundsTheCodeRangeOutToPagesAndVmLibIsTheRestOfExecVm() {
        // text from 0x401000 to 0x402a2d spans two pages: VmExe 8 kB; exec_vm 10 pages = 40 kB -> VmLib 32 kB
        MmCounters c = new MmCounters(10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 10, 0x401000, 0x402a2d, 4096, 0);
        assertThat(TaskMem.render(c, false)).contains("VmExe:\t       8 kB\nVmLib:\t      32 kB\nVmPTE:\t       4 kB\n");
        assertThat(Statm.render(c)).isEqualTo("10 0 0 2 0 0 0\n");
    }

    @Test
    void theAccountingPredicatesSortVmasLikeVmStatAccount() {
        long rw = SmapVmFlags.VM_READ | SmapVmFlags.VM_WRITE;
        assertThat(TaskMem.isDataMapping(rw)).isTrue();
        assertThat(TaskMem.isDataMapping(rw | SmapVmFlags.VM_SHARED)).isFalse();
        assertThat(TaskMem.isStackMapping(rw | SmapVmFlags.VM_GROWSDOWN)).isTrue();
        assertThat(TaskMem.isDataMapping(rw | SmapVmFlags.VM_GROWSDOWN)).isFalse();
        assertThat(TaskMem.isExecMapping(SmapVmFlags.VM_READ | SmapVmFlags.VM_EXEC)).isTrue();
        assertThat(TaskMem.isExecMapping(rw | SmapVmFlags.VM_EXEC)).isFalse();
    }

    @Test
    void negativeCountersAreRejected() {
        assertThatThrownBy(() -> new MmCounters(-1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> new MmCounters(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x2000, 0x1000, 0, 0))
                .hasMessageContaining("start_code");
    }
}
