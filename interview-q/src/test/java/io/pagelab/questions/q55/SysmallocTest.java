package io.pagelab.questions.q55;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import io.pagelab.questions.q55.Sysmalloc.MallocPar;
import io.pagelab.questions.q55.Sysmalloc.Route;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q55 glibc对brk和mmap如何使用？ How does glibc use brk and mmap?
 *
 * <p>Expected values come from real glibc 2.36 (Debian 2.36-9, x86-64), captured by
 * {@code brk_mmap.c} and {@code capture.sh} next to this grader's resources
 * (src/test/resources/io/pagelab/questions/q55/); the output {@code brk_mmap.out} is read here, so
 * each number below is named by its capture key. Each scenario runs in a fresh process with ASLR off.
 * The arithmetic that links them (top chunk sizes, request2size) is done by hand in the comments,
 * from reference linux-reference.md §5.1, §5.2 and §5.8.
 */
@Grader(id = "q55")
@DisplayName("Q55 brk or mmap: request2size, the top chunk, sysmalloc, the dynamic threshold, trim")
class SysmallocTest {

    /** The captured values, "scenario.key" to number. */
    static final Map<String, Long> REAL = load("brk_mmap.out");

    /** The first sbrk of a process is for the 0x290-byte tcache chunk: the top chunk keeps 0x21000 - 0x290. */
    static final long TOP_AFTER_TCACHE = 0x21000 - 0x290;

    static long real(String key) {
        Long value = REAL.get(key);
        assertThat(value).as("captured value %s in brk_mmap.out", key).isNotNull();
        return value;
    }

    /** The chunk size in a captured size field: the low three bits are flags. */
    static long chunk(String key) {
        return real(key) & ~7L;
    }

    static boolean fromHeap(String offsetKey) {
        return real(offsetKey) != -1;
    }

    @Test
    @Points(3)
    @Hint("A chunk needs its 8-byte size header; the next chunk's first 8 bytes (prev_size) are lent to it "
            + "while it is in use. So add 8, round up to a multiple of 16, and never go below 32.")
    void request2sizeGivesTheChunkSizesOfRealMallocs() {
        long[][] requests = {
            {0, chunk("fresh.malloc_0_chunk_size")},             // 0x20
            {24, chunk("fresh.malloc_24_chunk_size")},           // 0x20: 24 + 8 fits 32 exactly
            {25, chunk("fresh.malloc_25_chunk_size")},           // 0x30
            {40, chunk("fresh.malloc_40_chunk_size")},           // 0x30
            {41, chunk("fresh.malloc_41_chunk_size")},           // 0x40
            {1000, chunk("fresh.malloc_1000_chunk_size")},       // 0x3f0 = 1008
            {128 * 1024, chunk("big.malloc_128k_chunk_size")},   // 0x20010
            {200 * 1024, chunk("big.malloc_200k_again_chunk_size")},   // 0x32010
            {204 * 1024, chunk("big.malloc_204k_chunk_size")},   // 0x33010
            {1 << 20, chunk("nommap.malloc_1m_chunk_size")},     // 0x100010
        };
        for (long[] r : requests) {
            assertThat(Sysmalloc.request2size(r[0])).as("request2size(%d)", r[0]).isEqualTo(r[1]);
        }
        // reference §5.1: 1032 is the largest tcache request (chunk 0x410), 1033 needs 0x420
        assertThat(Sysmalloc.request2size(1032)).as("request2size(1032)").isEqualTo(0x410);
        assertThat(Sysmalloc.request2size(1033)).as("request2size(1033)").isEqualTo(0x420);
    }

    @Test
    @Points(3)
    @Hint("sysmalloc only runs when the top chunk is too small: if the top chunk holds at least nb + MINSIZE "
            + "bytes, malloc splits it, however large the request and whatever the mmap threshold.")
    void theTopChunkServesWhatFitsEvenAboveTheThreshold() {
        MallocPar mp = new MallocPar();
        // the very first malloc finds no top chunk at all: sysmalloc, below the threshold, so brk
        assertThat(Sysmalloc.route(1000, 0, mp)).as("malloc(1000) with no top chunk yet").isEqualTo(Route.BRK);
        assertThat(real("fresh.heap_size_after_malloc_1000")).as("the [heap] after the first malloc").isEqualTo(0x21000);
        // malloc(128 KiB) as the first call: tcache_init made the heap first, top = 0x20d70 >= 0x20010 + 32
        assertThat(fromHeap("big.malloc_128k_offset")).as("real malloc(128 KiB) came from the heap").isTrue();
        assertThat(Sysmalloc.route(128 * 1024, TOP_AFTER_TCACHE, mp)).as("malloc(128 KiB), top 0x20d70")
                .isEqualTo(Route.TOP);
        // after malloc(1000) the top has 0x20d70 - 0x3f0 = 0x20980; malloc(131049) needs nb = 0x20000 + 32
        assertThat(real("fresh.malloc_131049_offset")).as("real malloc(131049) offset in [heap]").isEqualTo(0x770);
        assertThat(real("fresh.heap_size_after_malloc_131049")).as("[heap] after malloc(131049)").isEqualTo(0x21000);
        assertThat(Sysmalloc.route(131049, TOP_AFTER_TCACHE - 0x3f0, mp)).as("malloc(131049), top 0x20980")
                .isEqualTo(Route.TOP);
        assertThat(mp.mmapThreshold()).as("mmap threshold (route only reads it)").isEqualTo(128 * 1024);
    }

    @Test
    @Points(3)
    @Hint("When the top chunk is too small, sysmalloc mmaps if nb (the chunk size, not n) is at least the "
            + "threshold and fewer than n_mmaps_max chunks are mapped; otherwise it grows the heap with brk.")
    void sysmallocMmapsFromTheThresholdUpWhileMappingsAreAllowed() {
        MallocPar mp = new MallocPar();
        // malloc(128 KiB) then malloc(200 KiB): top 0x20d70 - 0x20010 = 0xd60 is too small, nb 0x32010 >= 128 KiB
        assertThat(fromHeap("big.malloc_200k_offset")).as("real malloc(200 KiB) came from the heap").isFalse();
        assertThat(Sysmalloc.route(200 * 1024, 0xd60, mp)).as("malloc(200 KiB), top 0xd60").isEqualTo(Route.MMAP);
        // reference §5.8: nb(131048) = 131056 < 131072 <= nb(131049)
        assertThat(Sysmalloc.route(131048, 0, mp)).as("malloc(131048), no top").isEqualTo(Route.BRK);
        assertThat(Sysmalloc.route(131049, 0, mp)).as("malloc(131049), no top").isEqualTo(Route.MMAP);
        // n_mmaps has reached n_mmaps_max (65536 by default): brk instead
        mp.setNMmaps(Sysmalloc.DEFAULT_MMAP_MAX);
        assertThat(Sysmalloc.route(200 * 1024, 0xd60, mp)).as("malloc(200 KiB) with 65536 chunks mmapped")
                .isEqualTo(Route.BRK);
        // mallopt(M_MMAP_MAX, 0): real malloc(1 MiB) came from the heap
        MallocPar noMmap = new MallocPar();
        noMmap.mallopt(Sysmalloc.M_MMAP_MAX, 0);
        assertThat(real("nommap.malloc_1m_offset")).as("real malloc(1 MiB) offset with M_MMAP_MAX 0").isEqualTo(0x2a0);
        assertThat(Sysmalloc.route(1 << 20, TOP_AFTER_TCACHE, noMmap)).as("malloc(1 MiB) with M_MMAP_MAX 0")
                .isEqualTo(Route.BRK);
    }

    @Test
    @Points(2)
    @Hint("An mmapped chunk has no next chunk to borrow from: it needs nb + 8 bytes, rounded up to whole "
            + "4096-byte pages.")
    void mmappedChunksAreWholePages() {
        // nb = request2size(n), by hand: 200 KiB -> 204816; 40 MiB -> 41943056; 32 MiB - 24 -> 33554416;
        // 32 MiB - 4096 - 24 -> 33550320
        assertThat(Sysmalloc.mmapChunkSize(204816)).as("mmap size for malloc(200 KiB)")
                .isEqualTo(chunk("big.malloc_200k_chunk_size"));                  // 0x33000
        assertThat(Sysmalloc.mmapChunkSize(41943056)).as("mmap size for malloc(40 MiB)")
                .isEqualTo(chunk("max.malloc_40m_chunk_size"));                   // 0x2801000
        assertThat(Sysmalloc.mmapChunkSize(33554416)).as("mmap size for malloc(32 MiB - 24)")
                .isEqualTo(chunk("edge32m.malloc_32m_chunk_size"));               // 0x2000000
        assertThat(Sysmalloc.mmapChunkSize(33550320)).as("mmap size for malloc(32 MiB - 4 KiB - 24)")
                .isEqualTo(chunk("edge32m.malloc_32m_minus_4k_chunk_size"));      // 0x1fff000
        assertThat(real("big.malloc_200k_page_offset")).as("user pointer of an mmapped chunk, page offset")
                .isEqualTo(0x10);
    }

    @Test
    @Points(3)
    @Hint("brk asks for nb + top_pad (128 KiB) + MINSIZE, minus the bytes the top chunk already has, "
            + "rounded up to whole pages: 0x290 + 0x20000 + 0x20 gives 0x21000 for the first call.")
    void brkGrowsTheHeapByTheRequestPlusTopPad() {
        MallocPar mp = new MallocPar();
        // the first sysmalloc of a process, for the 0x290-byte tcache chunk with no top chunk
        assertThat(Sysmalloc.sysmallocIncrement(0x290, 0, mp)).as("first sbrk")
                .isEqualTo(real("fresh.heap_size_after_malloc_1000"));             // 0x21000
        // big: malloc(200 KiB) after the threshold moved, top 0xd60: 0x32010 + 0x20000 + 0x20 - 0xd60 -> 0x52000
        assertThat(Sysmalloc.sysmallocIncrement(0x32010, 0xd60, mp)).as("sbrk for malloc(200 KiB), top 0xd60")
                .isEqualTo(real("big.heap_size_after_malloc_200k_again") - real("big.heap_size_after_malloc_200k"));
        // trim: malloc(200 KiB) after malloc(1000), top 0x20980 -> 0x32000
        assertThat(Sysmalloc.sysmallocIncrement(0x32010, TOP_AFTER_TCACHE - 0x3f0, mp))
                .as("sbrk for malloc(200 KiB), top 0x20980")
                .isEqualTo(real("trim.heap_size_after_malloc_200k") - real("trim.heap_size_after_malloc_1000"));
        // nommap: malloc(1 MiB) with top 0x20d70 -> 0x100000
        assertThat(Sysmalloc.sysmallocIncrement(0x100010, TOP_AFTER_TCACHE, mp)).as("sbrk for malloc(1 MiB)")
                .isEqualTo(real("nommap.heap_size_after_malloc_1m") - 0x21000);
        // mallopt(M_TOP_PAD, 0): only nb + MINSIZE, rounded up to a page
        MallocPar noPad = new MallocPar();
        noPad.mallopt(Sysmalloc.M_TOP_PAD, 0);
        assertThat(Sysmalloc.sysmallocIncrement(0x290, 0, noPad)).as("first sbrk with top_pad 0").isEqualTo(0x1000);
    }

    @Test
    @Points(3)
    @Hint("Freeing an mmapped chunk bigger than the threshold teaches malloc that such sizes come and go: "
            + "the threshold becomes the chunk's size and the trim threshold twice that. A smaller chunk "
            + "never lowers it.")
    void freeingALargeMmappedChunkRaisesTheThreshold() {
        MallocPar mp = new MallocPar();
        long size = chunk("big.malloc_200k_chunk_size");                          // 0x33000
        Sysmalloc.freeMmappedChunk(size, mp);
        assertThat(mp.mmapThreshold()).as("mmap threshold after freeing a 0x33000 mmapped chunk").isEqualTo(0x33000);
        assertThat(mp.trimThreshold()).as("trim threshold after freeing a 0x33000 mmapped chunk").isEqualTo(0x66000);
        // the same malloc(200 KiB) now grows the heap (real: it landed in [heap] at 0x202b0)
        assertThat(real("big.malloc_200k_again_offset")).as("real malloc(200 KiB) after the free").isEqualTo(0x202b0);
        assertThat(Sysmalloc.route(200 * 1024, 0xd60, mp)).as("malloc(200 KiB) after the free").isEqualTo(Route.BRK);
        // 204 KiB: nb 208912 >= 208896, still mmapped when the top chunk cannot hold it
        assertThat(Sysmalloc.route(204 * 1024, 0xd60, mp)).as("malloc(204 KiB), top 0xd60").isEqualTo(Route.MMAP);
        Sysmalloc.freeMmappedChunk(0x21000, mp);
        assertThat(mp.mmapThreshold()).as("mmap threshold after freeing a smaller 0x21000 chunk").isEqualTo(0x33000);
        assertThat(mp.trimThreshold()).as("trim threshold after freeing a smaller 0x21000 chunk").isEqualTo(0x66000);
    }

    @Test
    @Points(3)
    @Hint("No update after any mallopt of these parameters (no_dyn_threshold), nor when the chunk's size "
            + "field, with its IS_MMAPPED bit, is above 32 MiB: a chunk of exactly 32 MiB leaves it alone.")
    void theThresholdStaysWhenMalloptFixedItOrTheChunkIsTooBig() {
        MallocPar fixed = new MallocPar();
        fixed.mallopt(Sysmalloc.M_TOP_PAD, 128 * 1024);                          // the default value, still "fixed"
        Sysmalloc.freeMmappedChunk(chunk("nodyn.malloc_200k_chunk_size"), fixed);
        assertThat(fromHeap("nodyn.malloc_200k_again_offset")).as("real malloc(200 KiB) after mallopt and free")
                .isFalse();
        assertThat(fixed.mmapThreshold()).as("threshold after mallopt(M_TOP_PAD) and a free").isEqualTo(128 * 1024);

        MallocPar mp = new MallocPar();
        Sysmalloc.freeMmappedChunk(chunk("max.malloc_40m_chunk_size"), mp);       // 0x2801000 > 32 MiB
        assertThat(fromHeap("max.malloc_200k_offset")).as("real malloc(200 KiB) after freeing 40 MiB").isFalse();
        assertThat(mp.mmapThreshold()).as("threshold after freeing a 40 MiB chunk").isEqualTo(128 * 1024);
        Sysmalloc.freeMmappedChunk(chunk("edge32m.malloc_32m_chunk_size"), mp);   // 0x2000000 | 2 > 32 MiB
        assertThat(fromHeap("edge32m.malloc_200k_after_32m_offset")).as("real malloc(200 KiB) after freeing 32 MiB")
                .isFalse();
        assertThat(mp.mmapThreshold()).as("threshold after freeing an exactly 32 MiB chunk").isEqualTo(128 * 1024);
        Sysmalloc.freeMmappedChunk(chunk("edge32m.malloc_32m_minus_4k_chunk_size"), mp);   // 0x1fff000
        assertThat(fromHeap("edge32m.malloc_200k_after_32m_minus_4k_offset"))
                .as("real malloc(200 KiB) after freeing 32 MiB - 4 KiB").isTrue();
        assertThat(mp.mmapThreshold()).as("threshold after freeing a 32 MiB - 4 KiB chunk").isEqualTo(0x1fff000);
        assertThat(mp.trimThreshold()).as("trim threshold after freeing a 32 MiB - 4 KiB chunk").isEqualTo(0x3ffe000);
    }

    @Test
    @Points(3)
    @Hint("Trim only after a free of at least 64 KiB (after merging) with top >= trim_threshold, compared "
            + "unsigned (-1 never). Release (top - MINSIZE - 1 - top_pad) rounded down to whole pages.")
    void freeGivesBackWholePagesAboveTopPadOnceTopReachesTheTrimThreshold() {
        // trim: mallopt(M_MMAP_THRESHOLD, 256 KiB) keeps trim_threshold at 128 KiB. After malloc(1000) and
        // malloc(200 KiB) by brk, the top has 0x20980 + 0x32000 - 0x32010; freeing the 0x32010 chunk merges
        // it into a top of 0x52980: top_area 0x52980 - 33 - 0x20000 rounds down to 0x32000
        MallocPar fixed = new MallocPar();
        fixed.mallopt(Sysmalloc.M_MMAP_THRESHOLD, 256 * 1024);
        assertThat(Sysmalloc.trimOnFree(0x52980, 0x52980, fixed)).as("sbrk(-extra) after free(200 KiB), scenario trim")
                .isEqualTo(real("trim.heap_size_after_malloc_200k") - real("trim.heap_size_after_free_200k"));
        // notrim: the same with mallopt(M_TRIM_THRESHOLD, -1)
        fixed.mallopt(Sysmalloc.M_TRIM_THRESHOLD, -1);
        assertThat(real("notrim.heap_size_after_free_200k")).as("real heap after free, trim -1").isEqualTo(0x53000);
        assertThat(Sysmalloc.trimOnFree(0x52980, 0x52980, fixed)).as("sbrk(-extra) with M_TRIM_THRESHOLD -1")
                .isZero();
        // big: the dynamic threshold made trim_threshold 0x66000; top 0xd60 + 0x52000 = 0x52d60 stays below it
        MallocPar dynamic = new MallocPar();
        Sysmalloc.freeMmappedChunk(0x33000, dynamic);
        assertThat(real("big.heap_size_after_free_200k_again")).as("real heap after free, scenario big")
                .isEqualTo(real("big.heap_size_after_malloc_200k_again"));
        assertThat(Sysmalloc.trimOnFree(0x52d60, 0x52d60, dynamic)).as("sbrk(-extra) below the raised trim threshold")
                .isZero();
        // nommap: free(1 MiB) leaves a top of 0x20d70 + 0x100000 -> gives back 0x100000
        MallocPar fresh = new MallocPar();
        assertThat(Sysmalloc.trimOnFree(0x120d70, 0x120d70, fresh)).as("sbrk(-extra) after free(1 MiB)")
                .isEqualTo(real("nommap.heap_size_after_malloc_1m") - real("nommap.heap_size_after_free_1m"));
        // a small free does not even look at the top chunk (0x3f0 < 64 KiB)
        assertThat(Sysmalloc.trimOnFree(0x3f0, 0x120d70, fresh)).as("sbrk(-extra) after a 0x3f0-byte free").isZero();
    }

    static Map<String, Long> load(String resource) {
        Map<String, Long> values = new HashMap<>();
        InputStream in = SysmallocTest.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("grader resource " + resource + " is missing");
        }
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                int eq = line.indexOf('=');
                if (line.startsWith("#") || eq < 0) {
                    continue;
                }
                String v = line.substring(eq + 1).trim();
                values.put(line.substring(0, eq), v.startsWith("0x") ? Long.parseUnsignedLong(v.substring(2), 16)
                        : Long.parseLong(v));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read grader resource " + resource, e);
        }
        return values;
    }
}
