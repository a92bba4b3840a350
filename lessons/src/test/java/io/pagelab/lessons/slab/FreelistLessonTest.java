package io.pagelab.lessons.slab;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.kernel.slub.FreelistCodec;
import io.pagelab.lessons.LessonOutput;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the freelist lesson once and checks what it must show. Expected values follow
 * linux-reference.md §4.4 (encoding), §4.5 (randomization) and mm/slub.c's report texts, or are
 * computed by hand in the comments.
 */
class FreelistLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new FreelistLesson());
    }

    @Test
    void withoutHardeningTheForgedPointerIsHandedOut() {
        // the struct cred is at 0x40 in the first page the buddy allocator gives (phys 0x100000000):
        // 0xffff888100000040; the forged link makes the second allocation return exactly that
        assertThat(output).contains("dangling write: *(victim + 32) = 0xffff888100000040")
                .contains("freelist → 0xffff888100000040 !")
                .contains("y = kmalloc(64)                   → 0xffff888100000040 = the struct cred")
                .contains("cred uid 1000 → 0");
    }

    @Test
    void theStoredWordIsTheXorOfPointerSecretAndSwappedAddress() {
        // §4.4: stored = ptr ^ s->random ^ swab(ptr_addr); check the printed numbers by XOR by hand
        long ptr = hexAfter("ptr (object 1)        ");
        long random = hexAfter("s->random             ");
        long swabbed = hexAfter("swab(ptr_addr)        ");
        long ptrAddr = hexAfter("ptr_addr = ");
        long stored = hexAfter("stored (XOR of all)   ");
        // object 1 is 64 bytes after object 0, whose link is at +32
        assertThat(ptr).isEqualTo(ptrAddr - 32 + 64);
        assertThat(swabbed).isEqualTo(Long.reverseBytes(ptrAddr));
        assertThat(stored).isEqualTo(ptr ^ random ^ swabbed);
    }

    @Test
    void withHardeningTheForgedPointerDecodesToANonCanonicalAddressAndFaults() {
        long random = hexAfter("s->random             ");
        long ptrAddr = hexAfter("ptr_addr = ");
        // the victim is object 0 of the same slab: its link is at ptr_addr; decoding the raw cred
        // address gives cred ^ random ^ swab(ptr_addr); the fault is at that address + 32
        long garbage = 0xffff888100000040L ^ random ^ FreelistCodec.swab(ptrAddr);
        assertThat(output).contains(String.format("decode(0xffff888100000040) = 0x%016x", garbage))
                .contains(String.format("general protection fault, probably for non-canonical address %#x",
                        garbage + 32));
    }

    @Test
    void theNaiveCheckCatchesOnlyTheBackToBackDoubleFree() {
        assertThat(output).contains("kernel BUG at mm/slub.c:set_freepointer()!")
                .contains("BUG_ON(object == fp)");
        // free a, free b, free a: a -> b -> a -> b ... so the 1st and 3rd allocations are both a
        assertThat(output).contains("freelist: object 0 → object 1 → object 0 → object 1")
                .contains("(object 0)  p == r !");
    }

    @Test
    void everySlabReadsTheCachesPermutationFromItsOwnStart() {
        // §4.5: slab order = random_seq[pos], random_seq[pos + 1], ... (cyclic)
        Matcher row = Pattern.compile("\\[ *(\\d+)\\.\\.\\s*\\d+\\] ((?: +\\d+){16})").matcher(output);
        int[] seq = new int[64];
        while (row.find()) {
            String[] v = row.group(2).trim().split(" +");
            for (int i = 0; i < 16; i++) {
                seq[Integer.parseInt(row.group(1).trim()) + i] = Integer.parseInt(v[i]);
            }
        }
        assertThat(java.util.Arrays.stream(seq).sorted().toArray())
                .as("random_seq is a permutation of 0..63").isEqualTo(java.util.stream.IntStream.range(0, 64).toArray());
        Matcher slab = Pattern.compile("slab (\\d), pos +(\\d+):((?: +\\d+){12})").matcher(output);
        int slabs = 0;
        while (slab.find()) {
            int pos = Integer.parseInt(slab.group(2));
            String[] v = slab.group(3).trim().split(" +");
            for (int i = 0; i < 12; i++) {
                assertThat(Integer.parseInt(v[i])).as("slab %s object %s", slab.group(1), i)
                        .isEqualTo(seq[(pos + i) % 64]);
            }
            slabs++;
        }
        assertThat(slabs).isEqualTo(3);
    }

    @Test
    void slubDebugReportsTheRedZoneAndThePoisonOverwritten() {
        // kmalloc-64 with FZPU: slot 256, red_left_pad 64, so object 0 is at slab + 0x40 and its
        // right red zone at slab + 0x80 = @offset=128; 65 'A's put 0x41 there instead of 0xcc
        assertThat(output).contains("BUG kmalloc-64 (Not tainted): Right Redzone overwritten")
                .contains("@offset=128. First byte 0x41 instead of")
                .contains("Redzone  ffff888100008080: 41 cc cc cc cc cc cc cc");
        // object 1 at slab + 256 + 64 = @offset=320; its byte 8 at @offset=328 is 0x00 instead of
        // POISON_FREE 0x6b; the first report tainted the kernel with B (TAINT_BAD_PAGE, 6th letter)
        assertThat(output).contains("BUG kmalloc-64 (Tainted: G    B")
                .contains("@offset=328. First byte 0x0 instead of")
                .contains("6b 6b 6b 6b 6b 6b 6b 6b 00 6b");
    }

    @Test
    void theSummaryCoversItsTwoQuestions() {
        assertThat(output).contains("q36 ").contains("q37 ");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new FreelistLesson())).isEqualTo(output);
    }

    private static long hexAfter(String label) {
        int at = output.indexOf(label);
        assertThat(at).as("label %s in the output", label).isNotNegative();
        String rest = output.substring(at + label.length());
        Matcher m = Pattern.compile("^0x([0-9a-f]+)").matcher(rest);
        assertThat(m.find()).as("a hex number after %s", label).isTrue();
        return Long.parseUnsignedLong(m.group(1), 16);
    }
}
