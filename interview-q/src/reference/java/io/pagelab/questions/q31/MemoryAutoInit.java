package io.pagelab.questions.q31;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Q31 如何防范内存泄密？ How is leaking memory contents prevented? (reference solution)
 *
 * <p>Models Linux 6.6: mm/mm_init.c {@code mem_debugging_and_hardening_init()} (page poisoning
 * takes precedence over init_on_alloc / init_on_free and says so) and {@code report_meminit()}
 * (the {@code mem auto-init:} boot lines); include/linux/mm.h {@code want_init_on_alloc(gfp)}
 * (init_on_alloc or __GFP_ZERO) and {@code want_init_on_free()}; mm/page_alloc.c
 * {@code free_pages_prepare()} (poison, or zero when init_on_free) and {@code post_alloc_hook()}
 * ({@code init = !want_init_on_free() && want_init_on_alloc(gfp)}: a page zeroed at free is not
 * zeroed again).
 *
 * <pre>
 *   requested            effective                 free          alloc (no __GFP_ZERO)
 *   init_on_alloc=1      heap alloc:on             -             zero
 *   init_on_free=1       heap free:on              zero          -
 *   both                 on / on                   zero          - (already zero)
 *   + page_poison=1      off / off (precedence)    fill 0xaa     - (check only)
 * </pre>
 *
 * <p>Differs from Linux on purpose: the stack mode is passed in (Linux derives it from Kconfig),
 * pages are byte arrays, the poison check on allocation is Q29's and is left out, and KASAN's
 * integrated initialisation does not exist here.
 */
public final class MemoryAutoInit {

    /** PAGE_POISON of include/linux/poison.h. */
    public static final int PAGE_POISON = 0xaa;
    /** Bytes in one page. */
    public static final int PAGE_SIZE = 4096;
    private static final Set<String> STACKS = Set.of("all(pattern)", "all(zero)", "byref_all(zero)",
            "byref(zero)", "__user(zero)", "off");

    private MemoryAutoInit() {
    }

    /**
     * The memory auto-initialisation options as requested at boot.
     *
     * @param stack what report_meminit() names for the compiled-in stack initialisation
     * @param initOnAlloc init_on_alloc=1 (or CONFIG_INIT_ON_ALLOC_DEFAULT_ON)
     * @param initOnFree init_on_free=1 (or CONFIG_INIT_ON_FREE_DEFAULT_ON)
     * @param pagePoison page_poison=1 with CONFIG_PAGE_POISONING
     */
    public record Config(String stack, boolean initOnAlloc, boolean initOnFree, boolean pagePoison) {
    }

    /** want_init_on_alloc(gfp): zero a page being allocated. */
    public static boolean wantInitOnAlloc(Config config, boolean gfpZero) {
        return (config.initOnAlloc() && !config.pagePoison()) || gfpZero;
    }

    /** want_init_on_free(): zero a page being freed. */
    public static boolean wantInitOnFree(Config config) {
        return config.initOnFree() && !config.pagePoison();
    }

    /** free_pages_prepare(): what happens to the contents of a page being freed. */
    public static void freePage(Config config, byte[] page) {
        checkPage(page);
        if (config.pagePoison()) {
            Arrays.fill(page, (byte) PAGE_POISON);
        }
        if (wantInitOnFree(config)) {
            Arrays.fill(page, (byte) 0);
        }
    }

    /** post_alloc_hook(): what happens to the contents of a page being allocated. */
    public static void allocPage(Config config, byte[] page, boolean gfpZero) {
        checkPage(page);
        if (!wantInitOnFree(config) && wantInitOnAlloc(config, gfpZero)) {
            Arrays.fill(page, (byte) 0);
        }
    }

    /** The boot lines: the precedence notice, then report_meminit(). */
    public static List<String> bootLines(Config config) {
        if (!STACKS.contains(config.stack())) {
            throw new IllegalArgumentException("stack mode '" + config.stack() + "' is not one report_meminit() prints: "
                    + "allowed are all(pattern), all(zero), byref_all(zero), byref(zero), __user(zero), off");
        }
        List<String> lines = new ArrayList<>();
        if (config.pagePoison() && (config.initOnAlloc() || config.initOnFree())) {
            lines.add("mem auto-init: CONFIG_PAGE_POISONING is on, will take precedence over init_on_alloc and init_on_free");
        }
        lines.add(String.format("mem auto-init: stack:%s, heap alloc:%s, heap free:%s", config.stack(),
                wantInitOnAlloc(config, false) ? "on" : "off", wantInitOnFree(config) ? "on" : "off"));
        if (wantInitOnFree(config)) {
            lines.add("mem auto-init: clearing system memory may take some time...");
        }
        return List.copyOf(lines);
    }

    private static void checkPage(byte[] page) {
        if (page == null || page.length != PAGE_SIZE) {
            throw new IllegalArgumentException("a page must be " + PAGE_SIZE + " bytes, got "
                    + (page == null ? "null" : page.length + " bytes"));
        }
    }
}
