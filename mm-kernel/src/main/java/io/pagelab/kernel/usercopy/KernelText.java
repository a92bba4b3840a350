package io.pagelab.kernel.usercopy;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * The kernel image's text, [_stext, _etext), and its alias in the direct map (lm_alias), which
 * check_kernel_text_object() (mm/usercopy.c) both refuse to copy.
 *
 * @param stext _stext (0xffffffff81000000 on x86-64 without KASLR)
 * @param etext _etext
 * @param linearStext lm_alias(_stext): PAGE_OFFSET + the physical load address; equal to
 *     {@code stext} when there is no separate alias
 */
public record KernelText(long stext, long etext, long linearStext) {

    public KernelText {
        InvalidArgumentException.check(Long.compareUnsigned(stext, etext) < 0,
                "kernel text [%s, %s) is empty or reversed", stext, etext);
    }

    public long size() {
        return etext - stext;
    }
}
