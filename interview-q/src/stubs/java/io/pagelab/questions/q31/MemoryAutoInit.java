package io.pagelab.questions.q31;

import io.pagelab.exercise.Todo;
import java.util.List;

/**
 * Q31 如何防范内存泄密？ How is leaking memory contents prevented?
 *
 * <p>A page the kernel frees still holds whatever its last owner wrote: keys, passwords, pointers.
 * If the next owner reads before writing, it sees them. Linux can wipe pages:
 * {@code init_on_alloc=1} zeroes every page when it is handed out, {@code init_on_free=1} zeroes it
 * when it is freed. Page poisoning ({@code page_poison=1}, Q29) fills freed pages with 0xaa
 * instead, to detect writes after free; when it is on it takes precedence and both init_on_*
 * options are switched off at boot. A caller asking for {@code __GFP_ZERO} always gets a zeroed
 * page. The kernel prints what is in force at boot.
 * 分配时清零（init_on_alloc）或释放时清零（init_on_free）可以防止旧数据泄露；页面投毒优先于二者。
 *
 * <p>Your task: implement the five methods (mm/mm_init.c, include/linux/mm.h, mm/page_alloc.c).
 * <ul>
 *   <li>{@link #wantInitOnAlloc}: zero on allocation when init_on_alloc is in force (requested and
 *       not overridden by poisoning) or the caller passed __GFP_ZERO.</li>
 *   <li>{@link #wantInitOnFree}: zero on free when init_on_free is in force.</li>
 *   <li>{@link #freePage}: with poisoning, fill the page with 0xaa; when init_on_free is in force,
 *       zero it.</li>
 *   <li>{@link #allocPage}: zero the page if wantInitOnAlloc says so, <em>except</em> when
 *       init_on_free is in force: then the page was zeroed when it was freed and the kernel does
 *       not zero it twice. (Checking the poison is Q29's business, not this one's.)</li>
 *   <li>{@link #bootLines}: when poisoning overrides a requested init_on_alloc or init_on_free,
 *       first {@code mem auto-init: CONFIG_PAGE_POISONING is on, will take precedence over
 *       init_on_alloc and init_on_free}; then always
 *       {@code mem auto-init: stack:%s, heap alloc:%s, heap free:%s} with on/off for what is in
 *       force; then, if init_on_free is in force,
 *       {@code mem auto-init: clearing system memory may take some time...}. The stack mode must be
 *       one of all(pattern), all(zero), byref_all(zero), byref(zero), __user(zero), off, else
 *       IllegalArgumentException.</li>
 *   <li>A page is exactly {@link #PAGE_SIZE} bytes: anything else is an IllegalArgumentException.</li>
 * </ul>
 *
 * <p>Run {@code ./pagelab grade q31} to check your work.
 */
public final class MemoryAutoInit {

    /** PAGE_POISON of include/linux/poison.h. */
    public static final int PAGE_POISON = 0xaa;
    /** Bytes in one page. */
    public static final int PAGE_SIZE = 4096;

    private MemoryAutoInit() {
    }

    /**
     * The memory auto-initialisation options as requested at boot.
     *
     * @param stack what the boot line names for the compiled-in stack initialisation
     * @param initOnAlloc init_on_alloc=1 (or CONFIG_INIT_ON_ALLOC_DEFAULT_ON)
     * @param initOnFree init_on_free=1 (or CONFIG_INIT_ON_FREE_DEFAULT_ON)
     * @param pagePoison page_poison=1 with CONFIG_PAGE_POISONING
     */
    public record Config(String stack, boolean initOnAlloc, boolean initOnFree, boolean pagePoison) {
    }

    /** want_init_on_alloc(gfp): should a page being allocated be zeroed? */
    public static boolean wantInitOnAlloc(Config config, boolean gfpZero) {
        throw new Todo("q31/MemoryAutoInit.java");
    }

    /** want_init_on_free(): should a page being freed be zeroed? */
    public static boolean wantInitOnFree(Config config) {
        throw new Todo("q31/MemoryAutoInit.java");
    }

    /** What happens to the contents of a page when it is freed. */
    public static void freePage(Config config, byte[] page) {
        throw new Todo("q31/MemoryAutoInit.java");
    }

    /** What happens to the contents of a page when it is allocated ({@code gfpZero}: __GFP_ZERO). */
    public static void allocPage(Config config, byte[] page, boolean gfpZero) {
        throw new Todo("q31/MemoryAutoInit.java");
    }

    /** The boot lines, in order, without the trailing newline. */
    public static List<String> bootLines(Config config) {
        throw new Todo("q31/MemoryAutoInit.java");
    }
}
