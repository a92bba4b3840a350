package io.pagelab.questions.q20;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.GeneralProtectionFault;
import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.exercise.Grader;
import io.pagelab.exercise.Hint;
import io.pagelab.exercise.Points;
import java.util.SplittableRandom;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Grader for Q20 64位地址空间如何划分？ How is the 64-bit address space divided?
 *
 * <p>Boundaries from Documentation/arch/x86/x86_64/mm.rst (4- and 5-level tables) and seed-digest
 * C.6. Note the seed's "46-bit address bus" (erratum 2): 46 bits is the physical limit; the 256 TiB
 * virtual space comes from 48 bits.
 */
@Grader(id = "q20")
@DisplayName("Q20 canonical addresses, user and kernel halves, 4- vs 5-level")
class CanonicalAddressesTest {

    @Test
    @Points(3)
    @Hint("4-level: bits 63..47 must all be equal. Shift left by 16, arithmetic-shift right by 16, compare.")
    void theFourLevelHalvesEndAtBit47() {
        assertThat(CanonicalAddresses.isCanonical(0x00007fffffffffffL, 4)).as("top of user space").isTrue();
        assertThat(CanonicalAddresses.isCanonical(0x0000800000000000L, 4)).as("first hole address").isFalse();
        assertThat(CanonicalAddresses.isCanonical(0xffff7fffffffffffL, 4)).as("last hole address").isFalse();
        assertThat(CanonicalAddresses.isCanonical(0xffff800000000000L, 4)).as("bottom of the kernel half").isTrue();
        assertThat(CanonicalAddresses.isCanonical(0xdead000000000100L, 4)).as("LIST_POISON1").isFalse();
    }

    @Test
    @Points(3)
    @Hint("5-level: 57 implemented bits, so bits 63..56 must be equal; what was a hole with 4 levels may be "
            + "user space now.")
    void fiveLevelPagingMovesTheBoundaryToBit56() {
        assertThat(CanonicalAddresses.isCanonical(0x0000800000000000L, 5)).as("0x0000800000000000").isTrue();
        assertThat(CanonicalAddresses.isCanonical(0x00ffffffffffffffL, 5)).as("top of 5-level user space").isTrue();
        assertThat(CanonicalAddresses.isCanonical(0x0100000000000000L, 5)).as("first 5-level hole address").isFalse();
        assertThat(CanonicalAddresses.isCanonical(0xff00000000000000L, 5)).as("5-level kernel start").isTrue();
        assertThat(CanonicalAddresses.isCanonical(0xfeffffffffffffffL, 5)).as("last 5-level hole address").isFalse();
    }

    @Test
    @Points(2)
    @Hint("Copy bit 47 (or 56) into all higher bits: (va << 16) >> 16 with the signed shift.")
    void signExtensionGivesTheCanonicalForm() {
        assertThat(CanonicalAddresses.signExtend(0x0000888000000000L, 4)).as("4-level, bit 47 set")
                .isEqualTo(0xffff888000000000L);
        assertThat(CanonicalAddresses.signExtend(0x12347f0000001000L, 4)).as("4-level, bit 47 clear")
                .isEqualTo(0x00007f0000001000L);
        assertThat(CanonicalAddresses.signExtend(0x0011000000000000L, 5)).as("5-level, bit 56 clear")
                .isEqualTo(0x0011000000000000L);
        assertThat(CanonicalAddresses.signExtend(0x0111000000000000L, 5)).as("5-level, bit 56 set")
                .isEqualTo(0xff11000000000000L);
    }

    @Test
    @Points(2)
    @Hint("The kernel half is canonical AND has the top bit set; a hole address is in neither half.")
    void kernelAddressesAreTheUpperCanonicalHalf() {
        assertThat(CanonicalAddresses.isKernelHalf(0xffff888000000000L, 4)).as("direct map").isTrue();
        assertThat(CanonicalAddresses.isKernelHalf(0xffffffff81000000L, 4)).as("kernel text").isTrue();
        assertThat(CanonicalAddresses.isKernelHalf(0x00007fffffffe000L, 4)).as("a user stack").isFalse();
        assertThat(CanonicalAddresses.isKernelHalf(0x8000000000000000L, 4)).as("in the hole").isFalse();
        assertThat(CanonicalAddresses.isKernelHalf(0xff11000000000000L, 5)).as("5-level direct map").isTrue();
    }

    @Test
    @Points(2)
    @Hint("TASK_SIZE_MAX = (1 << 47) - 4096 on 4-level; each half holds 1 << 47 bytes (128 TiB), or 1 << 56 "
            + "(64 PiB) on 5-level.")
    void userSpaceEndsOnePageBelowTheHole() {
        assertThat(CanonicalAddresses.taskSizeMax(4)).as("TASK_SIZE_MAX, 4-level").isEqualTo(0x00007ffffffff000L);
        assertThat(CanonicalAddresses.taskSizeMax(5)).as("TASK_SIZE_MAX, 5-level").isEqualTo(0x00fffffffffff000L);
        assertThat(CanonicalAddresses.halfSize(4)).as("128 TiB").isEqualTo(128L << 40);
        assertThat(CanonicalAddresses.halfSize(5)).as("64 PiB").isEqualTo(64L << 50);
    }

    @Test
    @Points(2)
    @Hint("GeneralProtectionFault.nonCanonical(va, 48 or 57) builds the fault with the kernel's message.")
    void aNonCanonicalAccessIsAGeneralProtectionFault() {
        assertThat(CanonicalAddresses.checkAccess(0xffff888000001000L, 4)).as("canonical access passes")
                .isEqualTo(0xffff888000001000L);
        assertThatThrownBy(() -> CanonicalAddresses.checkAccess(0xdead000000000100L, 4)).as("LIST_POISON1")
                .isInstanceOfSatisfying(GeneralProtectionFault.class, f -> {
                    assertThat(f.address()).isEqualTo(0xdead000000000100L);
                    assertThat(f.errorCode()).isZero();
                })
                .hasMessageContaining("general protection fault, probably for non-canonical address 0xdead000000000100");
        assertThatThrownBy(() -> CanonicalAddresses.checkAccess(0x0100000000000000L, 5)).as("5-level hole")
                .isInstanceOf(GeneralProtectionFault.class);
    }

    @Test
    @Points(1)
    @Hint("Only 4 and 5 levels exist on x86-64: throw InvalidArgumentException for anything else.")
    void otherPagingDepthsAreRefused() {
        assertThatThrownBy(() -> CanonicalAddresses.isCanonical(0, 3)).as("3 levels")
                .isInstanceOf(InvalidArgumentException.class);
        assertThatThrownBy(() -> CanonicalAddresses.taskSizeMax(6)).as("6 levels")
                .isInstanceOf(InvalidArgumentException.class);
    }

    @Test
    @Points(2)
    @Hint("Random 64-bit values, many right at the edges of the hole: an address is canonical exactly when it "
            + "lies in the user half or in the kernel half of mm.rst's table, never in the hole between them.")
    void randomAddressesAreCanonicalExactlyInsideTheTwoHalves() {
        // mm.rst (linux-reference.md §1.4): 4-level user space 0x0000000000000000-0x00007fffffffffff, kernel half
        // from 0xffff800000000000; 5-level user space up to 0x00ffffffffffffff, kernel half (guard hole) from
        // 0xff00000000000000. Everything strictly between is the non-canonical hole.
        SplittableRandom random = new SplittableRandom(20);
        for (int i = 0; i < 20_000; i++) {
            int levels = random.nextBoolean() ? 4 : 5;
            long userTop = levels == 4 ? 0x00007fffffffffffL : 0x00ffffffffffffffL;
            long kernelBottom = levels == 4 ? 0xffff800000000000L : 0xff00000000000000L;
            long va = random.nextLong();
            if (i % 2 == 0) {
                long edge = random.nextBoolean() ? userTop + 1 : kernelBottom;
                va = edge + random.nextInt(5) - 2;
            }
            boolean inAHalf = Long.compareUnsigned(va, userTop) <= 0 || Long.compareUnsigned(va, kernelBottom) >= 0;
            assertThat(CanonicalAddresses.isCanonical(va, levels)).as("isCanonical(%#018x, %d) (seed 20, draw %d)", va,
                    levels, i).isEqualTo(inAHalf);
        }
    }
}
