package io.pagelab.kernel.usercopy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.BadAddressException;
import io.pagelab.hardware.firmware.SampleFirmware;
import io.pagelab.hardware.ram.SimulatedRam;
import io.pagelab.kernel.slub.DirectMap;
import io.pagelab.kernel.slub.KernelRandom;
import io.pagelab.kernel.slub.KmemCache;
import io.pagelab.kernel.slub.KmemCacheArgs;
import io.pagelab.kernel.slub.Slab;
import io.pagelab.kernel.slub.SlabFlags;
import io.pagelab.kernel.slub.SlubConfig;
import io.pagelab.kernel.slub.SlubDebug;
import io.pagelab.kernel.slub.SlubParams;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The scene: a kmalloc-64 slab at 0xffff888000200000 (objects every 64 bytes, whole object open
 * to usercopy), a 'demo' cache of 256-byte objects whose usercopy window is [64, 96) at
 * 0xffff888000300000, a red-zoned kmalloc-64 at 0xffff888000400000, kernel text at
 * 0xffffffff81000000 (1 MiB, alias in the direct map at 0xffff888001000000) and a 16 KiB stack at
 * 0xffffc90000010000 with the stack pointer at +0x3000.
 */
class HardenedUsercopyTest {

    static final long KM64 = 0xffff888000200000L;
    static final long DEMO = 0xffff888000300000L;
    static final long RZ = 0xffff888000400000L;
    static final long STEXT = 0xffffffff81000000L;
    static final long STACK = 0xffffc90000010000L;

    final DirectMap memory = DirectMap.of(SimulatedRam.of(SampleFirmware.qemu(16L << 20)));
    final Slab km64 = cache(KmemCacheArgs.kmalloc("kmalloc-64", 64, 0)).newSlab(KM64, 0);
    final Slab demo = cache(new KmemCacheArgs("demo", 256, 0, 0, false, OptionalInt.empty(), 64, 32))
            .newSlab(DEMO, 0);
    final Slab redZoned = cache(KmemCacheArgs.kmalloc("kmalloc-64", 64, SlabFlags.SLAB_RED_ZONE)).newSlab(RZ, 0);

    KmemCache cache(KmemCacheArgs args) {
        return KmemCache.create(args, SlubParams.defaults(1), SlubConfig.NONE, new KernelRandom(1), memory,
                new SlubDebug());
    }

    HardenedUsercopy usercopy(List<Long> frames) {
        List<Slab> slabs = List.of(km64, demo, redZoned);
        return new HardenedUsercopy(new KernelText(STEXT, STEXT + (1 << 20), 0xffff888001000000L),
                new TaskStack(STACK, TaskStack.THREAD_SIZE, STACK + 0x3000, frames),
                addr -> slabs.stream().filter(s -> s.contains(addr)).findFirst());
    }

    HardenedUsercopy usercopy() {
        return usercopy(List.of());
    }

    @Test
    void aCopyOfTheWholeKmallocObjectIsAllowed() {
        assertThatCode(() -> usercopy().checkObjectSize(KM64 + 64, 64, true)).doesNotThrowAnyException();
    }

    @Test
    void aCopyRunningPastTheObjectEndIsAnExposureWithTheKernelsMessage() {
        // object 1 at +64; ptr at its byte 60 with 8 bytes: 8 > 64 - 60
        assertThatThrownBy(() -> usercopy().checkObjectSize(KM64 + 64 + 60, 8, true))
                .isInstanceOf(BadAddressException.class)
                .hasMessage("usercopy: Kernel memory exposure attempt detected from SLUB object 'kmalloc-64' "
                        + "(offset 60, size 8)!");
    }

    @Test
    void aCopyFromUserSpanningTwoObjectsIsAnOverwrite() {
        assertThat(usercopy().check(KM64 + 32, 64, false)).get().extracting(UsercopyViolation::message)
                .isEqualTo("usercopy: Kernel memory overwrite attempt detected to SLUB object 'kmalloc-64' "
                        + "(offset 32, size 64)!");
    }

    @Test
    void aCacheWithAUsercopyWindowAllowsOnlyThatWindow() {
        HardenedUsercopy u = usercopy();
        assertThat(u.check(DEMO + 64, 32, true)).isEmpty();
        assertThat(u.check(DEMO + 256 + 70, 26, true)).as("inside object 1's window").isEmpty();
        // offset 60 < useroffset 64
        assertThat(u.check(DEMO + 60, 8, true)).get().extracting(UsercopyViolation::offset).isEqualTo(60L);
        // offset 96: 96 - 64 = 32 <= 32 passes, but n 1 > 64 - 96 + 32 = 0
        assertThat(u.check(DEMO + 96, 1, true)).get().extracting(UsercopyViolation::message)
                .isEqualTo("usercopy: Kernel memory exposure attempt detected from SLUB object 'demo' "
                        + "(offset 96, size 1)!");
    }

    @Test
    void aCopyStartingInTheLeftRedZoneIsRefusedAndTheObjectItselfIsAllowed() {
        int pad = redZoned.cache().layout().redLeftPad();
        int size = redZoned.cache().layout().size();
        assertThat(pad).as("red_left_pad = ALIGN(sizeof(void *), s->align 64)").isEqualTo(64);

        assertThat(usercopy().check(RZ + size + 8, 8, true)).get().extracting(UsercopyViolation::message)
                .isEqualTo("usercopy: Kernel memory exposure attempt detected from SLUB object in left red zone "
                        + "'kmalloc-64' (offset 8, size 8)!");
        assertThat(usercopy().check(RZ + size + pad, 64, true)).isEmpty();
    }

    @Test
    void zeroSizeIsAlwaysAllowedEvenForNull() {
        assertThat(usercopy().check(0, 0, true)).isEmpty();
    }

    @Test
    void nullAndZeroSizePtrAreRefused() {
        assertThat(usercopy().check(0, 8, true)).get().extracting(UsercopyViolation::message)
                .isEqualTo("usercopy: Kernel memory exposure attempt detected from null address (offset 0, size 8)!");
        assertThat(usercopy().check(HardenedUsercopy.ZERO_SIZE_PTR, 8, false)).get()
                .extracting(UsercopyViolation::message)
                .isEqualTo("usercopy: Kernel memory overwrite attempt detected to null address (offset 16, size 8)!");
    }

    @Test
    void aCopyThatWrapsTheAddressSpaceIsRefused() {
        // 0xfffffffffffffff0 + 32 wraps to 0x10: reported as size 16
        assertThat(usercopy().check(0xfffffffffffffff0L, 32, true)).get().extracting(UsercopyViolation::message)
                .isEqualTo("usercopy: Kernel memory exposure attempt detected from wrapped address "
                        + "(offset 0, size 16)!");
    }

    @Test
    void kernelTextAndItsDirectMapAliasAreRefused() {
        assertThat(usercopy().check(STEXT + 0x100, 16, true)).get().extracting(UsercopyViolation::message)
                .isEqualTo("usercopy: Kernel memory exposure attempt detected from kernel text (offset 256, size 16)!");
        // the copy [STEXT - 8, STEXT + 8) overlaps the text: offset is ptr - _stext, printed unsigned
        assertThat(usercopy().check(STEXT - 8, 16, true)).get().extracting(UsercopyViolation::offset)
                .isEqualTo(-8L);
        assertThat(usercopy().check(0xffff888001000010L, 4, false)).get().extracting(UsercopyViolation::name)
                .isEqualTo("linear kernel text");
    }

    @Test
    void withoutFramePointersAStackCopyMustLieAboveTheStackPointerAndInsideTheStack() {
        HardenedUsercopy u = usercopy();
        assertThat(u.check(STACK + 0x3100, 64, true)).isEmpty();
        // below the stack pointer: offset = current_stack_pointer - ptr = 0x3000 - 0x2f00 = 256
        assertThat(u.check(STACK + 0x2f00, 64, true)).get().extracting(UsercopyViolation::message)
                .isEqualTo("usercopy: Kernel memory exposure attempt detected from process stack (offset 256, size 64)!");
        // runs off the top of the stack
        assertThat(u.check(STACK + 0x3ff0, 32, true)).get().extracting(UsercopyViolation::name)
                .isEqualTo("process stack");
    }

    @Test
    void withFramePointersAStackCopyMustStayInOneFrame() {
        // frames at +0x3100 (caller) and +0x3200, +0x3400: a local of the frame between 0x3110 and 0x3200
        HardenedUsercopy u = usercopy(List.of(STACK + 0x3100, STACK + 0x3200, STACK + 0x3400));
        assertThat(u.check(STACK + 0x3110, 0xf0, true)).as("fills the frame exactly").isEmpty();
        assertThat(u.check(STACK + 0x3108, 8, true)).as("the saved return address").isPresent();
        assertThat(u.check(STACK + 0x31f0, 0x20, true)).as("crosses into the next frame").isPresent();
        assertThat(u.check(STACK + 0x3210, 0x100, true)).as("inside the outer frame").isEmpty();
    }

    @Test
    void aLargePageAllocationMayBeCopiedOnlyUpToItsEnd() {
        HardenedUsercopy u = usercopy();
        u.addLargeFolio(0xffff888000800000L, 2); // 16 KiB, as kmalloc(10000) from the page allocator
        assertThat(u.check(0xffff888000800000L + 0x1000, 0x3000, true)).isEmpty();
        assertThat(u.check(0xffff888000800000L + 0x1000, 0x3001, true)).get().extracting(UsercopyViolation::message)
                .isEqualTo("usercopy: Kernel memory exposure attempt detected from page alloc (offset 4096, size 12289)!");
    }

    @Test
    void memoryThatIsNeitherStackHeapNorTextIsAllowed() {
        assertThat(usercopy().check(0xffff888000900000L, 4096, true)).isEqualTo(Optional.empty());
    }
}
