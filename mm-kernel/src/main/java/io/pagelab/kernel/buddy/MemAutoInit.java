package io.pagelab.kernel.buddy;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The memory auto-initialisation switches of mm/mm_init.c (Linux 6.6:
 * {@code mem_debugging_and_hardening_init()}, {@code report_meminit()}) and mm/page_poison.c:
 * {@code init_on_alloc=1} zeroes every page handed out (as if {@code __GFP_ZERO}),
 * {@code init_on_free=1} zeroes every page freed, {@code page_poison=1} fills freed pages with
 * {@code PAGE_POISON} (0xaa) and checks the pattern when they are handed out again.
 *
 * <p>As in Linux, page poisoning takes precedence: with {@code pagePoison} requested, init_on_alloc
 * and init_on_free are switched off at boot and a line says so ({@link #bootLines()}).
 *
 * @param stack       the compiled-in stack initialisation report_meminit() names: {@code off},
 *                    {@code all(pattern)}, {@code all(zero)}, {@code byref_all(zero)},
 *                    {@code byref(zero)} or {@code __user(zero)} (pagelab has no stack; only printed)
 * @param initOnAlloc {@code init_on_alloc=1} (CONFIG_INIT_ON_ALLOC_DEFAULT_ON)
 * @param initOnFree  {@code init_on_free=1}
 * @param pagePoison  {@code page_poison=1} (CONFIG_PAGE_POISONING)
 */
public record MemAutoInit(String stack, boolean initOnAlloc, boolean initOnFree, boolean pagePoison) {
    /** {@code PAGE_POISON} of include/linux/poison.h. */
    public static final int PAGE_POISON = 0xaa;
    private static final Set<String> STACKS = Set.of("off", "all(pattern)", "all(zero)", "byref_all(zero)",
            "byref(zero)", "__user(zero)");

    /** Everything off, stack:off. */
    public static final MemAutoInit OFF = new MemAutoInit("off", false, false, false);

    public MemAutoInit {
        if (stack == null || !STACKS.contains(stack)) {
            throw new InvalidArgumentException("mem auto-init stack mode '" + stack + "' unknown: allowed are "
                    + STACKS);
        }
    }

    /** The effective init_on_alloc: off when page poisoning takes precedence. */
    public boolean wantInitOnAlloc() {
        return initOnAlloc && !pagePoison;
    }

    /** The effective init_on_free ({@code want_init_on_free()}): off when page poisoning takes precedence. */
    public boolean wantInitOnFree() {
        return initOnFree && !pagePoison;
    }

    /**
     * The boot lines: the precedence notice (when poisoning overrides init_on_*), then
     * {@code mem auto-init: stack:%s, heap alloc:%s, heap free:%s} and, with init_on_free, the
     * "clearing system memory may take some time..." line.
     */
    public List<String> bootLines() {
        List<String> lines = new ArrayList<>();
        if (pagePoison && (initOnAlloc || initOnFree)) {
            lines.add("mem auto-init: CONFIG_PAGE_POISONING is on, will take precedence over init_on_alloc and"
                    + " init_on_free");
        }
        lines.add("mem auto-init: stack:" + stack + ", heap alloc:" + (wantInitOnAlloc() ? "on" : "off")
                + ", heap free:" + (wantInitOnFree() ? "on" : "off"));
        if (wantInitOnFree()) {
            lines.add("mem auto-init: clearing system memory may take some time...");
        }
        return lines;
    }
}
