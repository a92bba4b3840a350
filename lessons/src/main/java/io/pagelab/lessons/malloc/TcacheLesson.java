package io.pagelab.lessons.malloc;

import static io.pagelab.lessons.malloc.MallocMachine.hex;

import io.pagelab.api.error.MemoryCorruptionException;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "tcache": glibc 2.36's per-thread cache and its defences, in a simulated process
 * (malloc/malloc.c: tcache_put, tcache_get, the tcache step of _int_free with its e->key check,
 * PROTECT_PTR / REVEAL_PTR, malloc_printerr). Seven chunks per size, the eighth free going to a
 * fastbin; the key that marks a chunk as cached and the "free(): double free detected in tcache
 * 2" abort; what happens when user code clears the key; safe-linking, shown by computing the
 * stored pointer by hand and by an overwrite it catches.
 *
 * <p>Interview question: q54 (the allocator's structure; the tcache is its first layer).
 *
 * <p>Differs from glibc on purpose: tcache_key comes from seed 0 instead of getrandom(), so the
 * lesson prints the same key every run; an abort is a {@link MemoryCorruptionException} whose
 * message is glibc's text, and the lesson then starts a fresh process, as a shell user would.
 */
public final class TcacheLesson implements Lesson {

    /** malloc(72): request2size = (72 + 8 + 15) &amp; ~15 = 0x50, tcache bin 3. */
    private static final long REQUEST = 72;
    private static final int TIDX = 3;

    @Override
    public String id() {
        return "tcache";
    }

    @Override
    public String titleZh() {
        return "tcache 与 safe-linking";
    }

    @Override
    public String titleEn() {
        return "tcache and safe-linking";
    }

    @Override
    public List<String> questions() {
        return List.of("q54");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        MallocMachine pm = MallocMachine.start();
        long[] p = sevenAndOne(ctx, pm);
        entry(ctx, pm, p);
        doubleFree(ctx);
        keyCleared(ctx);
        safeLinking(ctx, pm, p);
        summary(ctx);
    }

    private long[] sevenAndOne(LessonContext ctx, MallocMachine pm) {
        ctx.step("Seven per size", "每种大小最多 7 个");
        long[] p = new long[8];
        for (int i = 0; i < p.length; i++) {
            p[i] = pm.malloc.malloc(REQUEST);
        }
        for (long q : p) {
            pm.malloc.free(q);
        }
        HeapView heap = pm.heap();
        long tc = pm.malloc.tcacheAddress();
        ctx.say("Eight malloc(72) (chunks of 0x50: (72 + 8 + 15) & ~15), p0 = " + hex(p[0]) + " to",
                "p7 = " + hex(p[7]) + ", then free all eight in order. The tcache bin for 0x50 is",
                "number 3 ((0x50 - 0x20) / 16); it takes seven chunks (mp_.tcache_count = 7),",
                "and the eighth, finding it full, goes to fastbin[0x50].");
        ctx.diagram("bins", heap.bins());
        ctx.say("The cache itself is the 0x290 chunk at the bottom of the heap, user pointer",
                hex(tc) + ": uint16_t counts[64], then tcache_entry *entries[64]. counts[3]",
                "is the fourth 16-bit word, entries[3] is at " + hex(tc) + " + 0x80 + 3 * 8:");
        ctx.diagram("x/2gx " + hex(tc) + " ; x/gx entries[3]", List.of(
                heap.dump(tc, 2).get(0),
                String.format(Locale.ROOT, "%s:  0x%016x", hex(tc + 0x80 + 8 * TIDX),
                        pm.mm.readLong(tc + 0x80 + 8 * TIDX))));
        ctx.say("counts[3] = 7 (the word reads 0x0007 in its top 16 bits: little-endian), and",
                "entries[3] = p6, the last chunk cached: the list is LIFO. A malloc(72) now pops",
                "p6 without taking any lock: the tcache belongs to this thread alone.",
                "每个线程一份 tcache：64 种大小，每种最多 7 个，后进先出，无需加锁。");
        return p;
    }

    private void entry(LessonContext ctx, MallocMachine pm, long[] p) {
        ctx.step("A tcache entry: next and key", "tcache 项：next 与 key");
        HeapView heap = pm.heap();
        ctx.say("A cached chunk's user memory holds a struct tcache_entry: next (the following",
                "entry) and key. Here is p6:");
        ctx.diagram("x/2gx p6", heap.dump(p[6], 2));
        ctx.say("The second word is tcache_key = " + hex(pm.malloc.tcacheKey()) + ", one value for the",
                "whole process (glibc draws it from getrandom() at start-up; pagelab from a seed).",
                "tcache_put writes it into every chunk it caches and tcache_get clears it. So when",
                "free() sees a chunk whose key word already equals tcache_key, the chunk is",
                "probably in the tcache already: free() walks that bin to be sure.",
                "The first word does not look like p5 (" + hex(p[5]) + "): it is mangled. Step 5",
                "shows how.");
    }

    private void doubleFree(LessonContext ctx) {
        ctx.step("Double free", "重复释放");
        MallocMachine pm = MallocMachine.start();
        long a = pm.malloc.malloc(24);
        pm.malloc.free(a);
        ctx.say("A fresh process: a = malloc(24) = " + hex(a) + "; free(a); free(a);");
        MallocMachine.abort(ctx, () -> pm.malloc.free(a));
        ctx.say("The second free found key == tcache_key, walked tcache[0x20], met a itself and",
                "called malloc_printerr: message, then abort(). Since glibc 2.29; before, a double",
                "free went through silently and the next two mallocs returned the same pointer.");
        MallocMachine pm2 = MallocMachine.start();
        long[] x = new long[8];
        for (int i = 0; i < x.length; i++) {
            x[i] = pm2.malloc.malloc(24);
        }
        for (long q : x) {
            pm2.malloc.free(q);
        }
        ctx.say("",
                "With the tcache full, a 0x20 chunk goes to a fastbin, which has only one cheap",
                "check: the chunk must not be the head of its list. Eight malloc(24), eight free,",
                "then free(x7) again:");
        MallocMachine.abort(ctx, () -> pm2.malloc.free(x[7]));
        ctx.say("free(x7); free(y); free(x7), with y another 0x20 chunk, would pass that check:",
                "the classic \"fastbin dup\". The fastbin check is much weaker than the tcache's.");
    }

    private void keyCleared(LessonContext ctx) {
        ctx.step("When the program overwrites the key", "key 被改写时");
        MallocMachine pm = MallocMachine.start();
        long a = pm.malloc.malloc(24);
        pm.malloc.free(a);
        pm.mm.writeLong(a + 8, 0);
        pm.malloc.free(a);
        ctx.say("The key check trusts memory the program can write. A use-after-free that stores",
                "0 into a[1] (the key word) before the second free makes free() skip the walk:",
                "  a = malloc(24) = " + hex(a) + "; free(a); ((long *) a)[1] = 0; free(a);");
        ctx.diagram("bins", pm.heap().bins());
        long m1 = pm.malloc.malloc(24);
        long m2 = pm.malloc.malloc(24);
        ctx.say("a is in the list twice (it now points at itself; count 2). Two mallocs:",
                "  malloc(24) = " + hex(m1) + "   malloc(24) = " + hex(m2),
                "Two owners of one block: each write corrupts the other's data. This is why the",
                "key is a hint and not a guarantee; tools such as ASan catch the first bad write.");
    }

    private void safeLinking(LessonContext ctx, MallocMachine pm, long[] p) {
        ctx.step("Safe-linking: PROTECT_PTR", "safe-linking：指针加扰");
        long e = p[6];
        long stored = pm.mm.readLong(e);
        long last = pm.mm.readLong(p[0]);
        ctx.say("Since glibc 2.32 the next pointers of tcache and fastbin lists are stored as",
                "PROTECT_PTR(pos, ptr) = (pos >> 12) ^ ptr, where pos is the address of the field",
                "itself. Back in the first process, p6's next field:");
        ctx.diagram("reveal p6->next by hand / 手工还原", List.of(
                "pos            = " + hex(e),
                "pos >> 12      = " + hex(e >>> 12),
                "stored         = " + hex(stored),
                "stored ^ (pos >> 12) = " + hex(stored ^ (e >>> 12)) + " = p5"));
        ctx.say("REVEAL_PTR does the same XOR: the process knows where the field is, so it gets",
                "p5 back for free. The list's last entry, p0, stores NULL as " + hex(last) + ",",
                "pos >> 12 itself: the heap's address without its low 12 bits, which is why a",
                "leaked tcache pointer still helps an attacker. (Small, large and unsorted bins are",
                "doubly linked and not mangled.)");
        long target = 0x404040L;
        MallocMachine fresh = MallocMachine.start();
        long[] q = new long[2];
        q[0] = fresh.malloc.malloc(REQUEST);
        q[1] = fresh.malloc.malloc(REQUEST);
        fresh.malloc.free(q[0]);
        fresh.malloc.free(q[1]);
        fresh.mm.writeLong(q[1], target);
        long got = fresh.malloc.malloc(REQUEST);
        long next = (q[1] >>> 12) ^ target;
        ctx.say("",
                "Why bother? The classic tcache poisoning attack writes a target address, say",
                hex(target) + " (a GOT entry), over a freed chunk's next, so that a later malloc",
                "returns the target. In a fresh process: two malloc(72), free both (the head is",
                "q1 = " + hex(q[1]) + "), write " + hex(target) + " into q1's next, malloc(72) twice:",
                "  malloc(72) = " + hex(got) + " (q1)   tcache head now REVEAL(" + hex(target) + ")",
                "               = " + hex(target) + " ^ " + hex(q[1] >>> 12) + " = " + hex(next));
        MallocMachine.abort(ctx, () -> fresh.malloc.malloc(REQUEST));
        ctx.say("REVEAL turned the attacker's pointer into garbage, not 16-byte aligned, and",
                "tcache_get refused it. To aim, the attacker must first leak a heap address.",
                "safe-linking：存储 (pos >> 12) ^ ptr；不知道堆地址就无法伪造指针。");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q54  The tcache (glibc 2.26+) is the allocator's first layer: per thread, 64",
                "     sizes (0x20 to 0x410), 7 chunks each, LIFO, no lock, chunks stay \"in use\"",
                "     for their neighbours. Defences: tcache_key in each cached chunk (2.29+,",
                "     random since 2.34) catches the plain double free, \"free(): double free",
                "     detected in tcache 2\"; safe-linking (2.32+) mangles next pointers with",
                "     (pos >> 12) ^ ptr and rejects a misaligned result.",
                "Try it: a two-line C program with free(p); free(p); on any 2.29+ glibc.");
    }
}
