package io.pagelab.kernel.pgtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.PageMapping;
import io.pagelab.api.Prot;
import io.pagelab.api.error.PageFault;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.mmu.Access;
import io.pagelab.hardware.mmu.CpuState;
import io.pagelab.hardware.mmu.PageWalker;
import io.pagelab.hardware.mmu.PagingMode;
import org.junit.jupiter.api.Test;

/**
 * mark_rodata_ro() and debug_checkwx() on KernelImage.defaults():
 * <pre>
 *  _text 0xffffffff81000000  _etext 0xffffffff82002000  __start_rodata 0xffffffff82200000
 *  __end_rodata 0xffffffff82a3a000  __end_rodata_hpage_align = _sdata 0xffffffff82c00000
 *  _brk_end 0xffffffff83609000 -&gt; roundup to 2 MiB 0xffffffff83800000
 * </pre>
 */
class StrictKernelRwxTest {
    private static final long TEXT = 0xffffffff81000000L;
    private static final long RODATA = 0xffffffff82200000L;
    private static final long DATA = 0xffffffff82c00000L;

    private static KernelPageTables booted() {
        return KernelPageTables.boot(SampleFirmware.qemu4G(), KernelPageTablesConfig.defaults());
    }

    private static int fault(KernelPageTables k, long va, Access access) {
        Throwable t = catchThrowable(() -> new PageWalker(k.memory()).translate(k.pageTable().root(), va, access,
                CpuState.linux()));
        return t instanceof PageFault ? ((PageFault) t).errorCode() : -1;
    }

    @Test
    void beforeMarkRodataRoTheWholeImageIsWritableAndExecutable() {
        // __PAGE_KERNEL_LARGE_EXEC on 0xffffffff81000000-0xffffffff837fffff: 40 MiB = 20 x 512 pages
        CheckWx.WxReport r = CheckWx.check(booted());
        assertThat(r.wxPages()).isEqualTo(10240);
        assertThat(r.lines()).containsExactly(
                "x86/mm: Found insecure W+X mapping at address 0xffffffff81000000",
                "x86/mm: Checked W+X mappings: FAILED, 10240 W+X pages found.");
    }

    @Test
    void markRodataRoPrintsTheKernelsMessages() {
        // (__end_rodata_hpage_align - _text) >> 10 = 0x1c00000 >> 10 = 28672k;
        // text/rodata gap [0xffffffff82002000, 0xffffffff82200000) = 0x1fe000 = 2040K;
        // rodata/data gap [0xffffffff82a3a000, 0xffffffff82c00000) = 0x1c6000 = 1816K
        assertThat(StrictKernelRwx.markRodataRo(booted())).containsExactly(
                "Write protecting the kernel read-only data: 28672k",
                "Freeing unused kernel image (text/rodata gap) memory: 2040K",
                "Freeing unused kernel image (rodata/data gap) memory: 1816K");
    }

    @Test
    void afterMarkRodataRoTheCheckPasses() {
        KernelPageTables k = booted();
        StrictKernelRwx.markRodataRo(k);
        CheckWx.WxReport r = CheckWx.check(k);
        assertThat(r.passed()).isTrue();
        assertThat(r.lines()).containsExactly("x86/mm: Checked W+X mappings: passed, no W+X pages found.");
    }

    @Test
    void textExecutesButCannotBeWritten() {
        KernelPageTables k = booted();
        StrictKernelRwx.markRodataRo(k);
        assertThat(fault(k, TEXT, Access.EXECUTE)).as("fetch from text").isEqualTo(-1);
        // supervisor write, present page, CR0.WP: P|W = 0x3
        assertThat(fault(k, TEXT, Access.WRITE)).as("write to text").isEqualTo(0x3);
    }

    @Test
    void rodataIsReadOnlyAndNotExecutable() {
        KernelPageTables k = booted();
        StrictKernelRwx.markRodataRo(k);
        assertThat(fault(k, RODATA, Access.READ)).isEqualTo(-1);
        assertThat(fault(k, RODATA, Access.WRITE)).isEqualTo(0x3);
        assertThat(fault(k, RODATA, Access.EXECUTE)).as("P|I").isEqualTo(0x11);
    }

    @Test
    void dataIsWritableButNotExecutable() {
        KernelPageTables k = booted();
        StrictKernelRwx.markRodataRo(k);
        assertThat(fault(k, DATA, Access.WRITE)).isEqualTo(-1);
        assertThat(fault(k, DATA, Access.EXECUTE)).isEqualTo(0x11);
    }

    @Test
    void theLarge2mPageHoldingEtextIsSplitSoTheLastTextPagesStayExecutable() {
        KernelPageTables k = booted();
        StrictKernelRwx.markRodataRo(k);
        PageMapping last = k.pageTable().lookup(0xffffffff82001000L).orElseThrow();
        assertThat(last.pageSize()).isEqualTo(4096);
        assertThat(last.prot()).isEqualTo(Prot.KERNEL_RX);
        PageMapping gap = k.pageTable().lookup(0xffffffff82002000L).orElseThrow();
        assertThat(gap.prot()).as("text/rodata gap after free_kernel_image_pages()").isEqualTo(Prot.KERNEL_RW);
        assertThat(k.pageTable().lookup(TEXT).orElseThrow().pageSize()).as("whole text 2M pages stay 2M")
                .isEqualTo(1L << 21);
    }

    @Test
    void aWritableExecutableModuleRangeIsReportedInFourKilobytePages() {
        KernelPageTables k = booted();
        StrictKernelRwx.markRodataRo(k);
        long module = 0xffffffffc0000000L; // MODULES_VADDR with KASLR
        for (int i = 0; i < 3; i++) {
            k.pageTable().map(module + i * 4096L, 0x5000L + i, Prot.of(Prot.READ | Prot.WRITE | Prot.EXEC));
        }
        CheckWx.WxReport r = CheckWx.check(k);
        assertThat(r.ranges()).containsExactly(new CheckWx.WxRange(module, module + 0x3000, io.pagelab.hardware.mmu.PagingLevel.PT));
        assertThat(r.lines()).containsExactly(
                "x86/mm: Found insecure W+X mapping at address 0xffffffffc0000000",
                "x86/mm: Checked W+X mappings: FAILED, 3 W+X pages found.");
    }

    @Test
    void withoutNxTheCheckIsSkippedSilently() {
        KernelPageTables k = booted();
        CheckWx.WxReport r = CheckWx.check(k.memory(), k.pageTable().root(), PagingMode.FOUR_LEVEL, false);
        assertThat(r.lines()).isEmpty();
        assertThat(r.wxPages()).isZero();
    }
}
