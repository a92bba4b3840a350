package io.pagelab.questions.q53;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.pagelab.api.error.Errno;
import io.pagelab.api.error.SyscallException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.kernel.mm.Vma;
import io.pagelab.kernel.mm.VmaSet;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q53 mmap接口实现了什么？ What does mmap do?
 *
 * <p>mmap_base values are hand computations from arch/x86/mm/mmap.c mmap_base() (linux-reference §6.2)
 * with TASK_SIZE = 0x7ffffffff000: with ASLR off and an 8 MiB stack limit the gap is 8 + 1 MiB, raised
 * to the 128 MiB minimum, so mmap_base = 0x7ffff7fff000; a real {@code setarch x86_64 -R cat
 * /proc/self/maps} on Linux 6.18 shows the first mmapped file, ld-linux-x86-64.so.2, ending exactly
 * there (7ffff7ffd000-7ffff7fff000). Placement follows arch_get_unmapped_area_topdown() (§6.3): the
 * highest gap that fits, returning gap end - len; merging follows §6.5.
 */
@Grader(id = "q53")
@DisplayName("Q53 mmap: mmap_base, top-down get_unmapped_area, VMA merge and split")
class MmapTest {

    static final long BASE = 0x7ffff7fff000L;
    static final long MIB = 1L << 20;
    static final int RW_VM = Vma.VM_READ | Vma.VM_WRITE | Vma.VM_MAYREAD | Vma.VM_MAYWRITE | Vma.VM_MAYEXEC;
    static final int R_VM = Vma.VM_READ | Vma.VM_MAYREAD | Vma.VM_MAYWRITE | Vma.VM_MAYEXEC;
    static final int RW = Mmap.PROT_READ | Mmap.PROT_WRITE;
    static final int ANON = Mmap.MAP_PRIVATE | Mmap.MAP_ANONYMOUS;

    /** Only the main stack of the capture, 7ffffffde000-7ffffffff000, grows down. */
    static VmaSet withStack() {
        VmaSet vmas = new VmaSet();
        vmas.insert(Vma.anonymous(0x7ffffffde000L, 0x7ffffffff000L, RW_VM | Vma.VM_GROWSDOWN, "[stack]"));
        return vmas;
    }

    static List<String> areas(Mmap mm) {
        return mm.vmas().list().stream().filter(v -> v.name() == null)
                .map(v -> Long.toHexString(v.start()) + "-" + Long.toHexString(v.end()))
                .collect(Collectors.toList());
    }

    static Errno errnoOf(Runnable call) {
        Throwable t = catchThrowable(call::run);
        assertThat(t).as("the call's failure").isInstanceOf(SyscallException.class);
        return ((SyscallException) t).errno();
    }

    @Test
    @Points(3)
    @Hint("Without randomization the pad is only the guard gap: 8 MiB + 1 MiB = 9 MiB, below the 128 MiB "
            + "minimum, so mmap_base = TASK_SIZE - 128 MiB.")
    void mmapBaseWithoutRandomizationIs0x7ffff7fff000() {
        assertThat(Mmap.mmapBase(8 * MIB, false, 0x12345678L)).as("mmap_base, ASLR off, 8 MiB stack")
                .isEqualTo(0x7ffff7fff000L);
    }

    @Test
    @Points(3)
    @Hint("gap = rlimit + guard gap, clamped to [128 MiB, TASK_SIZE / 6 * 5]. An unlimited stack (all "
            + "ones) would overflow when the pad is added, so the pad is skipped and the clamp's maximum wins.")
    void theStackLimitMovesMmapBaseWithinTheClamp() {
        // 1 GiB + 1 MiB = 0x40100000; 0x7ffffffff000 - 0x40100000 = 0x7fffbfeff000
        assertThat(Mmap.mmapBase(1L << 30, false, 0)).as("mmap_base, 1 GiB stack").isEqualTo(0x7fffbfeff000L);
        // TASK_SIZE / 6 * 5 = 0x6aaaaaaa9d52; 0x7ffffffff000 - 0x6aaaaaaa9d52 = 0x1555555552ae -> 0x155555556000
        assertThat(Mmap.mmapBase(Mmap.RLIM_INFINITY, false, 0)).as("mmap_base, unlimited stack")
                .isEqualTo(0x155555556000L);
    }

    @Test
    @Points(2)
    @Hint("Randomizing adds the stack's random range (0x3fffff pages) to the pad and subtracts 28 random "
            + "bits of pages: (random & 0xfffffff) << 12.")
    void randomizationLowersMmapBaseBySteps() {
        // gap = 0x800000 + 0x3fffff000 + 0x100000 = 0x4008ff000 -> 0x7ffbff700000 before the offset
        assertThat(Mmap.mmapBase(8 * MIB, true, 0)).as("mmap_base, random 0").isEqualTo(0x7ffbff700000L);
        // 0x12345678 & 0xfffffff = 0x2345678 pages = 0x2345678000 bytes
        assertThat(Mmap.mmapBase(8 * MIB, true, 0x12345678L)).as("mmap_base, random 0x12345678")
                .isEqualTo(0x7fd8ba088000L);
        // only 28 bits count: 0xfffffffff -> 0xfffffff pages = 0xfffffff000
        assertThat(Mmap.mmapBase(8 * MIB, true, 0xfffffffffL)).as("mmap_base, random 0xfffffffff")
                .isEqualTo(0x7efbff701000L);
    }

    @Test
    @Points(4)
    @Hint("The first anonymous mmap goes just below mmap_base (base - len). The next one goes just below "
            + "it, and since it has the same flags and a contiguous pgoff (start >> 12) it merges: one area.")
    void consecutiveAnonymousMappingsStackDownAndMerge() {
        Mmap mm = new Mmap(BASE, withStack());
        assertThat(mm.mmap(0, MIB, RW, ANON)).as("first mmap of 1 MiB").isEqualTo(0x7ffff7eff000L);
        assertThat(areas(mm)).as("areas after one mmap").containsExactly("7ffff7eff000-7ffff7fff000");
        assertThat(mm.mmap(0, MIB, RW, ANON)).as("second mmap of 1 MiB").isEqualTo(0x7ffff7dff000L);
        assertThat(areas(mm)).as("areas after two mmaps (merged)").containsExactly("7ffff7dff000-7ffff7fff000");
        assertThat(mm.vmas().size()).as("VMAs: the stack and one merged area").isEqualTo(2);
        assertThat(mm.vmas().list().get(0).flags()).as("flags of the merged area").isEqualTo(RW_VM);
    }

    @Test
    @Points(2)
    @Hint("PROT_READ|PROT_WRITE become VM_READ|VM_WRITE, plus VM_MAYREAD|VM_MAYWRITE|VM_MAYEXEC; areas with "
            + "different rights never merge. The length is rounded up to whole pages.")
    void differentRightsMakeSeparateAreas() {
        Mmap mm = new Mmap(BASE, withStack());
        mm.mmap(0, MIB, RW, ANON);
        // 0x10001 bytes need 0x11 pages: 0x7ffff7eff000 - 0x11000 = 0x7ffff7eee000
        assertThat(mm.mmap(0, 0x10001, Mmap.PROT_READ, ANON)).as("read-only mmap of 0x10001 bytes")
                .isEqualTo(0x7ffff7eee000L);
        assertThat(areas(mm)).as("areas").containsExactly("7ffff7eee000-7ffff7eff000", "7ffff7eff000-7ffff7fff000");
        assertThat(mm.vmas().list().get(0).flags()).as("flags of the read-only area").isEqualTo(R_VM);
    }

    @Test
    @Points(3)
    @Hint("Search the holes from the top: the first one, going down from mmap_base, that holds len. Return "
            + "its END minus len, so the new area touches the area above it.")
    void theHighestHoleThatFitsIsUsedAndTooSmallHolesAreSkipped() {
        VmaSet vmas = withStack();
        vmas.insert(Vma.anonymous(0x7ffff7bff000L, 0x7ffff7cff000L, RW_VM, null));
        vmas.insert(Vma.anonymous(0x7ffff7eff000L, 0x7ffff7fef000L, RW_VM, null));
        Mmap mm = new Mmap(BASE, vmas);
        // holes: [7ffff7fef000, base) 64 KiB, [7ffff7cff000, 7ffff7eff000) 2 MiB, below 7ffff7bff000
        assertThat(mm.getUnmappedArea(0x10000, 0)).as("64 KiB").isEqualTo(0x7ffff7fef000L);
        assertThat(mm.getUnmappedArea(0x11000, 0)).as("68 KiB").isEqualTo(0x7ffff7eee000L);
        assertThat(mm.getUnmappedArea(0x300000, 0)).as("3 MiB").isEqualTo(0x7ffff78ff000L);
        assertThat(mm.mmap(0, MIB, RW, ANON)).as("mmap of 1 MiB").isEqualTo(0x7ffff7dff000L);
        assertThat(areas(mm)).as("areas (the new one merged with the area above)")
                .containsExactly("7ffff7bff000-7ffff7cff000", "7ffff7dff000-7ffff7fef000");
    }

    @Test
    @Points(3)
    @Hint("A hint is rounded down to a page and used when the range is free up to the next area's start; "
            + "a stack (VM_GROWSDOWN) counts as starting 1 MiB (stack_guard_gap) lower. Otherwise the hint "
            + "is ignored and the top-down search decides.")
    void aFreeHintIsUsedAndABadOneIgnored() {
        Mmap mm = new Mmap(BASE, withStack());
        assertThat(mm.mmap(0x555555600123L, 0x2000, RW, ANON)).as("mmap with a free hint")
                .isEqualTo(0x555555600000L);
        // inside the stack: ignored, top-down from mmap_base
        assertThat(mm.getUnmappedArea(0x1000, 0x7ffffffe0000L)).as("hint inside the stack")
                .isEqualTo(BASE - 0x1000);
        // below the stack but within its guard gap (stack start 0x7ffffffde000 - 1 MiB = 0x7fffffede000)
        assertThat(mm.getUnmappedArea(0x1000, 0x7ffffffdc000L)).as("hint in the stack guard gap")
                .isEqualTo(BASE - 0x1000);
        // just below the guard gap: usable
        assertThat(mm.getUnmappedArea(0x1000, 0x7fffffedd000L)).as("hint below the stack guard gap")
                .isEqualTo(0x7fffffedd000L);
        // overlapping the hinted mapping made above: ignored
        assertThat(mm.getUnmappedArea(0x2000, 0x5555555ff000L)).as("hint overlapping an area")
                .isEqualTo(BASE - 0x2000);
    }

    @Test
    @Points(3)
    @Hint("MAP_FIXED maps exactly there, replacing what was mapped. With different rights in the middle "
            + "of an area, the area splits into three; the upper part's pgoff advances with its start.")
    void mapFixedInTheMiddleSplitsTheAreaInThree() {
        VmaSet vmas = withStack();
        vmas.insert(Vma.anonymous(0x7ffff7eff000L, BASE, RW_VM, null));
        Mmap mm = new Mmap(BASE, vmas);
        assertThat(mm.mmap(0x7ffff7f7f000L, 0x1000, Mmap.PROT_READ, ANON | Mmap.MAP_FIXED))
                .as("MAP_FIXED mmap").isEqualTo(0x7ffff7f7f000L);
        List<Vma> list = mm.vmas().list();
        assertThat(list).as("VMAs").containsExactly(
                new Vma(0x7ffff7eff000L, 0x7ffff7f7f000L, RW_VM, 0x7ffff7effL, null, null),
                new Vma(0x7ffff7f7f000L, 0x7ffff7f80000L, R_VM, 0x7ffff7f7fL, null, null),
                new Vma(0x7ffff7f80000L, BASE, RW_VM, 0x7ffff7f80L, null, null),
                Vma.anonymous(0x7ffffffde000L, 0x7ffffffff000L, RW_VM | Vma.VM_GROWSDOWN, "[stack]"));
        mm.munmap(0x7ffff7f7f000L, 1);
        assertThat(areas(mm)).as("areas after munmap of the middle page")
                .containsExactly("7ffff7eff000-7ffff7f7f000", "7ffff7f80000-7ffff7fff000");
    }

    @Test
    @Points(2)
    @Hint("Checks come first and a failed call changes nothing: length 0 is EINVAL, a length that "
            + "overflows when page aligned is ENOMEM, an unaligned MAP_FIXED address is EINVAL, flags without "
            + "MAP_PRIVATE or MAP_SHARED are EINVAL, munmap of an unaligned address is EINVAL.")
    void badArgumentsFailWithTheRightErrnoAndChangeNothing() {
        VmaSet vmas = withStack();
        vmas.insert(Vma.anonymous(0x7ffff7eff000L, BASE, RW_VM, null));
        Mmap mm = new Mmap(BASE, vmas);
        List<Vma> before = mm.vmas().list();
        assertThat(errnoOf(() -> mm.mmap(0, 0, RW, ANON))).as("mmap of length 0").isEqualTo(Errno.EINVAL);
        assertThat(errnoOf(() -> mm.mmap(0, -1L, RW, ANON))).as("mmap of length 2^64 - 1").isEqualTo(Errno.ENOMEM);
        assertThat(errnoOf(() -> mm.mmap(0x7ffff7f7f001L, 0x1000, RW, ANON | Mmap.MAP_FIXED)))
                .as("MAP_FIXED at an unaligned address").isEqualTo(Errno.EINVAL);
        assertThat(errnoOf(() -> mm.mmap(0, 0x1000, RW, Mmap.MAP_ANONYMOUS)))
                .as("mmap without MAP_PRIVATE or MAP_SHARED").isEqualTo(Errno.EINVAL);
        assertThat(errnoOf(() -> mm.munmap(0x7ffff7f7f001L, 0x1000))).as("munmap at an unaligned address")
                .isEqualTo(Errno.EINVAL);
        assertThat(errnoOf(() -> mm.munmap(0x7ffff7f7f000L, 0))).as("munmap of length 0").isEqualTo(Errno.EINVAL);
        assertThat(mm.vmas().list()).as("VMAs after the failed calls").isEqualTo(before);
    }
}
