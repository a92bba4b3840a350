package io.pagelab.kernel.usercopy;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.List;
import java.util.Objects;

/**
 * The current task's kernel stack as check_stack_object() (mm/usercopy.c) sees it: THREAD_SIZE
 * bytes from task_stack_page(current), the current stack pointer, and optionally the chain of
 * saved frame pointers that x86's arch_within_stack_frames() walks with CONFIG_FRAME_POINTER.
 *
 * <pre>
 *  low ---------------------------------------------------------------&gt; high
 *  [saved bp][saved ip][args][local vars][saved bp][saved ip]
 *                      ^-----------------^  a copy must lie here: above the inner frame's two
 *                                           saved words, below the next frame
 * </pre>
 *
 * @param base task_stack_page(current): the lowest address of the stack
 * @param size THREAD_SIZE (16 KiB on x86-64 without KASAN)
 * @param stackPointer current_stack_pointer: the stack grows down, below it is dead
 * @param frames frame addresses from the copying function's caller outwards (ascending); empty
 *     when the kernel is built without frame pointers
 */
public record TaskStack(long base, long size, long stackPointer, List<Long> frames) {

    /** THREAD_SIZE on x86-64: PAGE_SIZE &lt;&lt; THREAD_SIZE_ORDER (2). */
    public static final long THREAD_SIZE = 16 << 10;

    public TaskStack {
        Objects.requireNonNull(frames, "frames");
        frames = List.copyOf(frames);
        InvalidArgumentException.check(size > 0, "stack size %s is not allowed: positive", size);
        InvalidArgumentException.check(Long.compareUnsigned(stackPointer - base, size) <= 0,
                "stack pointer %s is outside the stack starting at %s", stackPointer, base);
    }

    public long end() {
        return base + size;
    }
}
