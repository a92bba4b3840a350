package io.pagelab.lessons.slab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the slab lesson once and checks the numbers it must show. Expected values come from
 * linux-reference.md §4.2-§4.3 (calculate_sizes, calculate_order and the real slabinfo columns
 * listed there) or are computed by hand in the comments.
 */
class SlabLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new SlabLesson());
    }

    @Test
    void kmalloc64KeepsItsFreePointerInTheMiddleOfTheObject() {
        // §4.2: no debug, no ctor: size = ALIGN(64, 8) = 64; offset = ALIGN_DOWN(64 / 2, 8) = 32
        assertThat(output).contains("kmalloc-64: object_size 64, size 64, align 64, inuse 64,")
                .contains("offset 32 (inside the object), red_left_pad 0");
        // 4096 / 64 = 64 objects, 4096 % 64 = 0 left over
        assertThat(output).contains("slab: order 0 (1 page), 64 objects, 0 bytes left over");
    }

    @Test
    void theOrderTableHasTheRealSlabinfoColumnsForFourCpusAndOne() {
        // §4.3 "checks against real /proc/slabinfo": 4+ CPUs kmalloc-192 21/1, kmalloc-1k 16/4,
        // kmalloc-8k 4/8; single CPU kmalloc-1k 8/2, kmalloc-512 8/1.
        // 192: 21 * 192 = 4032, 4096 - 4032 = 64 left over
        assertThat(output).contains("kmalloc-192     192          21            1   64          21            1   64")
                .contains("kmalloc-512     512          16            2    0           8            1    0")
                .contains("kmalloc-1k     1024          16            4    0           8            2    0")
                .contains("kmalloc-8k     8192           4            8    0           4            8    0");
        // min_objects = 4 * (fls(4) + 1) = 4 * 4 = 16
        assertThat(output).contains("= 4 × (fls(4) + 1) = 16");
    }

    @Test
    void theNewSlabIsLinkedInAddressOrderThroughTheObjectsBytes() {
        assertThat(output).contains("+0x0000   0→1     1→2     2→3")
                .contains("+0x0e00  56→57   57→58   58→59   59→60   60→61   61→62   62→63   63→∅");
        // the slab's page is at physical 0x100000000 (the buddy allocator's first order-0 page for
        // GFP_KERNEL here), so object 0 is at 0xffff888100000000, its link at +32 holds object 1 (+64)
        assertThat(output).contains("[0xffff888100000020] = 0xffff888100000040 = object 1's address");
    }

    @Test
    void theObjectFreedLastIsAllocatedFirst() {
        // a, b, c = objects 0, 1, 2; free(b) pushes 1 on the head; the next alloc pops it again
        assertThat(output).contains("c = kmem_cache_alloc()   object  2  0xffff888100000080   inuse 3, freelist → object 3")
                .contains("kmem_cache_free(b)       object  1  0xffff888100000040   inuse 2, freelist → object 1")
                .contains("d = kmem_cache_alloc()   object  1  0xffff888100000040   inuse 3, freelist → object 3")
                .contains("d == b");
    }

    @Test
    void slubDebugGrowsTheSlotToTwoHundredFiftySixBytes() {
        // §4.2 with FZPU: red_left_pad ALIGN(8, 64) = 64; object 64 + right red zone 8 = inuse 72;
        // free pointer 8 -> 80; two tracks 2 * 32 -> 144; kmalloc orig size 4 -> 148; one more
        // word for the red zone -> 156; + red_left_pad 64 = 220; ALIGN(220, 64) = 256 -> 16 per page
        assertThat(output).contains("object_size 64, size 256, align 64, inuse 72,")
                .contains("offset 72 (after the object), red_left_pad 64")
                .contains("[  136,   144) free pointer")
                .contains("256 bytes per 64-byte object, 16 objects per page");
    }

    @Test
    void slabinfoCountsTheCpuSlabsFreeObjectsAsActive() {
        // 100 objects need ceil(100 / 64) = 2 slabs = 128 objects; the 28 free ones are on CPU 0's
        // slab, not on the node partial list, so active = 128; after the flush 128 - 28 = 100.
        // After freeing all: slab 1 (full, then freed into) is on CPU 0's partial list: 64 "active";
        // shrink returns both slabs: 0 0.
        assertThat(output).contains("kmalloc-64           128    128     64   64    1   after 100 allocations")
                .contains("kmalloc-64           100    128     64   64    1   after CPU 0 let go")
                .contains("kmalloc-64            64    128     64   64    1   after 100 frees")
                .contains("kmalloc-64             0      0     64   64    1   after kmem_cache_shrink()")
                .contains("2 slabs returned")
                .contains("(same as before)");
        // cache_show's format: "%-17s %6lu %6lu %6u %4u %4d : tunables %4u %4u %4u : slabdata %6lu %6lu %6lu"
        assertThat(output).contains("kmalloc-64           128    128     64   64    1 : tunables    0    0    0")
                .contains(" : slabdata      2      2      0");
    }

    @Test
    void theSummaryCoversItsTwoQuestions() {
        assertThat(output).contains("q33 ").contains("q35 ");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new SlabLesson())).isEqualTo(output);
    }
}
