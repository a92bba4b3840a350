package io.pagelab.lessons.slab;

import static io.pagelab.lessons.slab.SlabMachine.hex;
import static io.pagelab.lessons.slab.SlabMachine.hex16;

import io.pagelab.api.Gfp;
import io.pagelab.api.Pages;
import io.pagelab.api.error.SimulationException;
import io.pagelab.kernel.slub.DirectMap;
import io.pagelab.kernel.slub.FreelistCodec;
import io.pagelab.kernel.slub.FreelistRandom;
import io.pagelab.kernel.slub.KmemCache;
import io.pagelab.kernel.slub.KmemCacheArgs;
import io.pagelab.kernel.slub.Slab;
import io.pagelab.kernel.slub.SlabFlags;
import io.pagelab.kernel.slub.SlubConfig;
import io.pagelab.kernel.slub.SlubParams;
import io.pagelab.lessons.Lesson;
import io.pagelab.lessons.LessonContext;
import io.pagelab.lessons.Tone;
import io.pagelab.lessons.diagram.TextWrap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Lesson "freelist": the SLUB free pointer as an attack surface and its defences, on simulated
 * RAM. A use-after-free write forges a free pointer and, without hardening, the allocator hands
 * out the attacker's address; with CONFIG_SLAB_FREELIST_HARDENED (mm/slub.c:
 * freelist_ptr_encode()/freelist_ptr_decode(), Linux 6.x) the forged word decodes to a
 * non-canonical address and the next allocation faults. Then set_freepointer()'s naive double-free
 * BUG_ON and the double free it misses, CONFIG_SLAB_FREELIST_RANDOM's shuffled order
 * (mm/slab_common.c: freelist_randomize(), mm/slub.c: shuffle_freelist()) and slub_debug's red
 * zone and poison reports (mm/slub.c: check_bytes_and_report()).
 *
 * <p>Interview questions: q36 (defending the freelist against attack), q37 (freelist
 * randomization).
 *
 * <p>Differs from Linux on purpose: every secret (s-&gt;random, random_seq, the start position)
 * comes from a fixed seed so the lesson prints the same numbers each run; the slabs are built by
 * hand on pages from the buddy allocator (no per-CPU lists) so every link can be shown; a slub_debug
 * finding throws instead of restoring the bytes and going on.
 */
public final class FreelistLesson implements Lesson {

    /** The seed of every secret in this lesson. */
    static final long SEED = 2024;
    /** Where the attacker wants the allocator to point: a struct cred, 0x40 into some page. */
    static final long CRED_OFFSET = 0x40;
    /** The uid the struct cred holds before the attack. */
    static final long UID = 1000;

    @Override
    public String id() {
        return "freelist";
    }

    @Override
    public String titleZh() {
        return "空闲链表：攻击与防御";
    }

    @Override
    public String titleEn() {
        return "Freelist hardening and randomization: attack and defence";
    }

    @Override
    public List<String> questions() {
        return List.of("q36", "q37");
    }

    @Override
    public void run(LessonContext ctx) {
        ctx.banner(this);
        SlabMachine machine = SlabMachine.boot();
        SlubParams params = SlubParams.defaults(SlabMachine.CPUS);
        long cred = machine.directMap().va(Pages.pfnPhys(machine.buddy().allocPages(0, Gfp.GFP_KERNEL)))
                + CRED_OFFSET;
        machine.directMap().writeLong(cred, UID);

        plainLink(ctx, machine, params);
        attackPlain(ctx, machine, params, cred);
        attackHardened(ctx, machine, params, cred);
        doubleFree(ctx, machine, params);
        randomOrder(ctx, machine, params);
        slubDebug(ctx, machine, params);
        summary(ctx);
    }

    private static Slab newSlab(SlabMachine machine, KmemCache cache) {
        long pa = Pages.pfnPhys(machine.buddy().allocPages(cache.layout().order(), Gfp.GFP_KERNEL | Gfp.__GFP_COMP));
        return cache.newSlab(machine.directMap().va(pa), cache.layout().order());
    }

    private static KmemCacheArgs kmalloc64() {
        return KmemCacheArgs.kmalloc("kmalloc-64", 64, 0);
    }

    private void plainLink(LessonContext ctx, SlabMachine machine, SlubParams params) {
        ctx.step("The link lives in the free object", "链表指针就在空闲对象里");
        KmemCache cache = machine.create(kmalloc64(), params, SlubConfig.NONE, SEED);
        Slab slab = newSlab(machine, cache);
        long obj0 = slab.objectAddress(0);
        ctx.say("As the \"slab\" lesson showed, a free kmalloc-64 object keeps the address of the next",
                "free object in its own bytes, at offset 32. Here is free object 0 of a new slab, as",
                "raw memory (8 bytes a row, little-endian words):");
        ctx.diagram("object 0 at " + hex16(obj0) + ", free", words(machine.directMap(), obj0, 8, 32, "← link"));
        ctx.say("The word at +32 is " + hex16(cache.getFreepointer(obj0)) + ": object 1. The rest is whatever",
                "the last owner left (zero here, the page is new). The allocator trusts that word: the",
                "next-but-one kmem_cache_alloc() returns it, no questions asked.",
                "分配器完全信任空闲对象里的这 8 个字节。");
    }

    private void attackPlain(LessonContext ctx, SlabMachine machine, SlubParams params, long cred) {
        ctx.step("The attack: a use-after-free write", "攻击：释放后写入（UAF）");
        DirectMap mem = machine.directMap();
        KmemCache cache = machine.create(kmalloc64(), params, SlubConfig.NONE, SEED);
        Slab slab = newSlab(machine, cache);
        ctx.say("A buggy driver frees an object but keeps the pointer; user space can still make it",
                "write there. The attacker wants the kernel to place a new object ON TOP of something",
                "precious: a struct cred (the uid of a process) at " + hex16(cred) + ", uid " + UID + ".",
                "有漏洞的驱动释放对象后仍保留指针，攻击者借此改写空闲对象里的链表指针。");
        List<String> rows = new ArrayList<>();
        long victim = slab.allocObject();
        rows.add("victim = kmalloc(64)              → " + hex16(victim) + " (object 0)");
        slab.freeObject(victim);
        rows.add("kfree(victim)                       freelist → object 0 → object 1 → ...");
        rows.add("  word at victim + 32 = " + hex16(mem.readLong(victim + 32)) + "  (object 1)");
        mem.writeLong(victim + 32, cred);
        rows.add("dangling write: *(victim + 32) = " + hex16(cred));
        long x = slab.allocObject();
        rows.add("x = kmalloc(64)                   → " + hex16(x) + " (object 0 again)");
        rows.add("                                    freelist → " + hex16(slab.freelist()) + " !");
        long y = slab.allocObject();
        rows.add("y = kmalloc(64)                   → " + hex16(y) + " = the struct cred");
        mem.writeLong(y, 0);
        rows.add("the attacker fills y (uid = 0)      cred uid " + UID + " → " + mem.readLong(cred));
        ctx.diagram("Without CONFIG_SLAB_FREELIST_HARDENED / 未加固", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "The allocator handed out " + hex16(y) + ", an address that was never in the slab.");
        ctx.say("Anything the attacker can make the kernel put in y (a message, a key...) now lands on",
                "the cred: uid 0 is root. One 8-byte write through a stale pointer took over the heap.",
                "分配器把攻击者伪造的地址当作空闲对象返回，于是新对象覆盖了 cred：uid 变成 0（root）。");
    }

    private void attackHardened(LessonContext ctx, SlabMachine machine, SlubParams params, long cred) {
        ctx.step("HARDENED: the link is encrypted", "加固：指针被加密");
        DirectMap mem = machine.directMap();
        KmemCache cache = machine.create(kmalloc64(), params, new SlubConfig(true, false), SEED);
        Slab slab = newSlab(machine, cache);
        FreelistCodec codec = cache.codec();
        long obj0 = slab.objectAddress(0);
        long ptrAddr = cache.freePointerAddress(obj0);
        long next = slab.objectAddress(1);
        ctx.say("With hardening, SLUB never stores the pointer itself but",
                "    stored = ptr ^ s->random ^ swab(ptr_addr)",
                "s->random is a secret drawn once per cache at kmem_cache_create(); ptr_addr is where",
                "the word sits; swab() reverses its bytes so the address's changing low bytes mix into",
                "the high bytes. Decoding is the same XOR. For object 0 of a new slab:",
                "加固后存的是 ptr ^ s->random ^ swab(存放地址)，读取时再异或一次还原。");
        List<String> enc = new ArrayList<>();
        enc.add("ptr (object 1)        " + hex16(next));
        enc.add("s->random             " + hex16(codec.random()));
        enc.add("swab(ptr_addr)        " + hex16(FreelistCodec.swab(ptrAddr)) + "   ptr_addr = " + hex(ptrAddr));
        enc.add("                      ──────────────────");
        enc.add("stored (XOR of all)   " + hex16(mem.readLong(ptrAddr)));
        ctx.diagram("freelist_ptr_encode() for object 0 / 编码", enc);

        List<String> rows = new ArrayList<>();
        long victim = slab.allocObject();
        slab.freeObject(victim);
        rows.add("victim = kmalloc(64); kfree(victim)   object 0 is the freelist head again");
        mem.writeLong(victim + 32, cred);
        rows.add("dangling write: *(victim + 32) = " + hex16(cred));
        long x = slab.allocObject();
        long garbage = slab.freelist();
        rows.add("x = kmalloc(64)         → " + hex16(x) + " (object 0)");
        rows.add("decode(" + hex(cred) + ") = " + hex16(garbage) + " = the next \"object\"");
        String fault;
        try {
            slab.allocObject();
            fault = "(no fault)";
        } catch (SimulationException e) {
            fault = e.getMessage();
        }
        rows.add("y = kmalloc(64)         → reads the link at that address + 32:");
        ctx.diagram("The same attack, hardened / 加固后的同一攻击", rows);
        ctx.kernelLog(wrap(firstClause(fault)));
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "The forged pointer decoded to garbage: an oops instead of the cred.");
        ctx.say("To forge a useful value the attacker must know s->random AND the word's address; a",
                "leaked encoded word alone reveals neither. The oops is loud: the attempt is seen.",
                "Cost of the defence: two XORs and a byte swap per allocation.",
                "伪造的指针解码后变成非规范地址，下一次分配直接触发 #GP，攻击失败且留下痕迹。");
    }

    private void doubleFree(LessonContext ctx, SlabMachine machine, SlubParams params) {
        ctx.step("Double free: the naive check", "重复释放：朴素检查");
        KmemCache cache = machine.create(kmalloc64(), params, new SlubConfig(true, false), SEED + 1);
        Slab slab = newSlab(machine, cache);
        long a = slab.allocObject();
        long b = slab.allocObject();
        slab.allocObject();
        ctx.say("Freeing an object twice is another classic: the object goes on the freelist twice, so",
                "two later allocations return the same memory to two owners. With hardening,",
                "set_freepointer() has one cheap check: BUG_ON(object == fp), the object being freed",
                "must not already be the head of the list. kfree(a); kfree(a):");
        slab.freeObject(a);
        try {
            slab.freeObject(a);
        } catch (SimulationException e) {
            ctx.kernelLog(wrap(e.getMessage()));
        }
        ctx.say("Caught. But put one free in between, kfree(a); kfree(b); kfree(a), and a is not the",
                "head when it is freed the second time:");
        slab.freeObject(b);
        slab.freeObject(a);
        List<String> rows = new ArrayList<>();
        rows.add("freelist: " + chain(slab, 6));
        long first = slab.allocObject();
        long second = slab.allocObject();
        long third = slab.allocObject();
        rows.add("p = kmalloc(64) → " + hex16(first) + " (object " + index(slab, first) + ")");
        rows.add("q = kmalloc(64) → " + hex16(second) + " (object " + index(slab, second) + ")");
        rows.add("r = kmalloc(64) → " + hex16(third) + " (object " + index(slab, third) + ")  p == r !");
        ctx.diagram("kfree(a); kfree(b); kfree(a) / 中间隔一次释放", rows);
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "No BUG: the list has a cycle, and p and r are the same object.");
        ctx.say("Only slub_debug=F catches every double free (\"Object already free\", it walks the",
                "whole freelist on each free), at a cost no production kernel pays. KASAN and",
                "init_on_free help too. 只有 slub_debug=F 会遍历链表，捕获所有重复释放。");
    }

    private void randomOrder(LessonContext ctx, SlabMachine machine, SlubParams params) {
        ctx.step("RANDOM: an unpredictable order", "随机化分配顺序");
        ctx.say("Heap exploits also rely on layout: allocate a victim, then an attacker object right",
                "after it, overflow one into the other. In address order (0, 1, 2, ...) that is easy.",
                "With CONFIG_SLAB_FREELIST_RANDOM, kmem_cache_create() shuffles 0..n-1 once",
                "(Fisher-Yates, random_seq), and every new slab starts reading it at a random",
                "position, wrapping around. Seed " + SEED + ", kmalloc-64 (64 objects):");
        KmemCache cache = machine.create(kmalloc64(), params, new SlubConfig(false, true), SEED);
        int[] seq = FreelistRandom.indices(cache.randomSeq(), cache.layout().size());
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < seq.length; i += 16) {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "[%2d..%2d] ", i, i + 15));
            for (int j = i; j < i + 16 && j < seq.length; j++) {
                sb.append(String.format(Locale.ROOT, "%3d", seq[j]));
            }
            rows.add(sb.toString());
        }
        ctx.diagram("random_seq (object indices) / 随机序列", rows);
        List<String> slabs = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            Slab slab = newSlab(machine, cache);
            List<Long> list = slab.freelistObjects();
            int head = slab.objToIndex(list.get(0));
            int pos = indexOf(seq, head);
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "slab %d, pos %2d:", n, pos));
            for (int i = 0; i < 12; i++) {
                sb.append(String.format(Locale.ROOT, "%3d", slab.objToIndex(list.get(i))));
            }
            slabs.add(sb.append(" ...").toString());
        }
        ctx.diagram("The first 12 objects each new slab hands out / 每个新 slab 的分配顺序", slabs);
        ctx.say("The same cyclic sequence, a different entry point per slab: the attacker cannot tell",
                "which object comes next, nor which neighbours it will have. The order comes from the",
                "seed here; in the kernel from get_random_u32_below() at boot. Note slabs 2 and 3:",
                "they start one apart, so one is the other shifted by one. The permutation is per",
                "cache, not per slab: a cheap defence, not a perfect one.",
                "每个 cache 一个随机排列，每个新 slab 从随机位置开始读取，攻击者难以预测相邻对象。");
    }

    private void slubDebug(LessonContext ctx, SlabMachine machine, SlubParams params) {
        ctx.step("slub_debug: red zones and poison", "红区与毒化");
        ctx.say("For finding such bugs rather than surviving them, boot with slub_debug=FZPU. Every",
                "object gets red zones (0xbb while free, 0xcc while allocated) and a free object is",
                "filled with 0x6b (POISON_FREE) ending in 0xa5 (POISON_END). Each alloc and free checks",
                "them. First a one-byte overflow: kmalloc(64), then 65 bytes of 'A' written:");
        KmemCache cache = machine.create(kmalloc64(), params.withSlubDebug(SlabFlags.DEBUG_DEFAULT_FLAGS),
                SlubConfig.NONE, SEED);
        Slab slab = newSlab(machine, cache);
        DirectMap mem = machine.directMap();
        long p = slab.allocObject();
        mem.fill(p, 65, 'A');
        try {
            slab.freeObject(p);
        } catch (SimulationException e) {
            ctx.kernelLog(report(e.getMessage()));
        }
        ctx.say("", "Byte 64 is the first byte of the right red zone: 0x41 ('A') instead of 0xcc.",
                "Now a use-after-free write: kmalloc(64), kfree, then one byte written into the freed",
                "object; the next kmalloc(64) takes that object and checks its poison first:");
        long q = slab.allocObject();
        slab.freeObject(q);
        mem.fill(q + 8, 1, 0x00);
        try {
            slab.allocObject();
        } catch (SimulationException e) {
            ctx.kernelLog(report(e.getMessage()));
        }
        ctx.say("");
        ctx.say(Tone.EMPHASIS, "0x6b 0x6b ... with one 0x00 at offset 8: someone wrote to freed memory.");
        ctx.say("The kernel prints these reports, restores the bytes and carries on, tainted with B.",
                "越界写坏了红区，释放后写破坏了 0x6b 毒化值：slub_debug 在下一次检查时报告。");
    }

    private void summary(LessonContext ctx) {
        ctx.step("What to remember", "要点");
        ctx.say("q36  The free pointer lives inside free objects, so a use-after-free or overflow can",
                "     forge it and make kmalloc return any address. Defences: HARDENED stores",
                "     ptr ^ s->random ^ swab(ptr_addr) (a forged value decodes to garbage and faults),",
                "     BUG_ON(object == fp) catches freeing the head twice (not a free in between), the",
                "     pointer sits mid-object, and slub_debug red zones / poison find the bug itself.",
                "q37  RANDOM shuffles each cache's object order once (Fisher-Yates) and starts every",
                "     new slab at a random point in it: neighbours cannot be predicted.",
                "Check your kernel: grep -E 'FREELIST_(HARDENED|RANDOM)' /boot/config-$(uname -r)");
    }

    /** The object's bytes as 8-byte little-endian words, one per row, the one at {@code mark} noted. */
    private static List<String> words(DirectMap mem, long object, int count, int mark, String note) {
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long w = mem.readLong(object + 8L * i);
            rows.add(String.format(Locale.ROOT, "+%-2d  %s%s", 8 * i, hex16(w), 8 * i == mark ? "  " + note : ""));
        }
        return rows;
    }

    private static String chain(Slab slab, int max) {
        StringBuilder sb = new StringBuilder();
        long p = slab.freelist();
        for (int i = 0; i < max && p != 0; i++) {
            sb.append("object ").append(index(slab, p)).append(" → ");
            p = slab.cache().getFreepointer(p);
        }
        return sb.append("...").toString();
    }

    private static int index(Slab slab, long object) {
        return slab.objToIndex(object);
    }

    private static int indexOf(int[] seq, int value) {
        for (int i = 0; i < seq.length; i++) {
            if (seq[i] == value) {
                return i;
            }
        }
        return -1;
    }

    /** A message's first clause (up to "; "): the line the kernel would print. */
    private static String firstClause(String message) {
        int cut = message.indexOf("; ");
        return cut < 0 ? message : message.substring(0, cut);
    }

    /** Message lines wrapped to fit after the "dmesg│ " prefix. */
    static List<String> wrap(String message) {
        List<String> lines = new ArrayList<>();
        for (String line : message.split("\n")) {
            lines.addAll(line.length() <= 80 ? List.of(line) : TextWrap.wrap(line, 80));
        }
        return lines;
    }

    /**
     * A slub_debug report shortened to fit: hex dumps lose their ASCII column, long lines are
     * wrapped, blank lines dropped.
     */
    static List<String> report(String message) {
        List<String> lines = new ArrayList<>();
        for (String line : message.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            if (line.matches("^(Redzone|Object|Padding|Bytes b4) +[0-9a-f]{16}: .*")) {
                int colon = line.indexOf(": ");
                String hexBytes = line.substring(colon + 2, Math.min(line.length(), colon + 2 + 47));
                lines.add(line.substring(0, colon + 2) + hexBytes.stripTrailing());
            } else {
                lines.addAll(line.length() <= 80 ? List.of(line) : TextWrap.wrap(line, 80));
            }
        }
        return lines;
    }
}
