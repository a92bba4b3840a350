package io.pagelab.lessons.modes;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.lessons.LessonOutput;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs the modes lesson once and checks its numbers. Expected values are seed-digest Q8/Q9's
 * hand computations (real-mode addresses, GDT_ENTRY_INIT encodings) or worked out in the comments.
 */
class ModesLessonTest {

    private static String output;

    @BeforeAll
    static void runTheLesson() {
        output = LessonOutput.of(new ModesLesson());
    }

    @Test
    void realModeAddsTheShiftedSegmentAndTheOffset() {
        // seed-digest Q8: 0x12340 + 0x5678 = 0x179b8; F000:FFF0 = 0xffff0; FFFF:FFFF = 0x10ffef
        assertThat(output).contains("= physical             0x179b8")
                .contains("F000:FFF0  -> 0xffff0")
                .contains("07C0:0000  -> 0x7c00").contains("0000:7C00  -> 0x7c00")
                .contains("FFFF:FFFF  -> 0x10ffef");
    }

    @Test
    void withA20OffTheCarryIntoBitTwentyIsLost() {
        // 0xffff0 + 0x10 = 0x100000, bit 20 cleared = 0; 0x10ffef & ~0x100000 = 0xffef (seed-digest Q8)
        assertThat(output).contains("FFFF:0010   0xffff0 + 0x10        0x0        0x100000")
                .contains("FFFF:FFFF   0xffff0 + 0xffff      0xffef     0x10ffef");
    }

    @Test
    void theA20TestSeesItsOwnWriteOnlyWhileTheGateIsClosed() {
        // a20.c: 0000:0200 and FFFF:0210 are both 0x200 with A20 off; 0x100200 with A20 on (untouched RAM reads 0)
        assertThat(output).contains("read FFFF:0210 (0x200) = 0x5a5a0001")
                .contains("read FFFF:0210 (0x100200) = 0x0")
                .contains("the gate is closed").contains("the gate is open");
    }

    @Test
    void linuxsGdtEntriesAreTheFlatSegments() {
        // seed-digest Q9: GDT_ENTRY_INIT(0xc09a, 0, 0xfffff) = 0x00cf9a000000ffff, 0xc092 -> 0x00cf92...,
        // 0xc0fa -> 0x00cffa..., 0xc0f2 -> 0x00cff2...; 64-bit code 0xa09a (L=1, D=0) -> 0x00af9a...
        assertThat(output).contains("1  0x8       0x00cf9a000000ffff  0    0  1    1  0xffffffff  code, 32-bit")
                .contains("2  0x10      0x00af9a000000ffff  0    1  0    1  0xffffffff  code, 64-bit")
                .contains("3  0x18      0x00cf92000000ffff  0    0  1    1  0xffffffff  data, read/write")
                .contains("5  0x2b      0x00cff2000000ffff  3    0  1    1  0xffffffff  data, read/write")
                .contains("6  0x33      0x00affa000000ffff  3    1  0    1  0xffffffff  code, 64-bit");
        // 0xfffff pages * 4096 + 0xfff = 0xffffffff
        assertThat(output).contains("limit 0xfffff (bytes 0xffffffff) G=1 D/B=0 L=1");
    }

    @Test
    void aSelectorIsIndexTableAndRequestedPrivilege() {
        // 0x33 = 6 * 8 + 3 (seed-digest Q9)
        assertThat(output).contains("index 6 (bits 15-3), TI 0 (GDT), RPL 3 (bits 1-0)");
    }

    @Test
    void userModeCannotLoadTheKernelDataSegment() {
        // max(CPL 3, RPL 0) = 3 > DPL 0: #GP with the selector (RPL cleared) as error code, 0x18
        assertThat(output).contains("CPL 3: mov ds, 0x2b (__USER_DS, DPL 3)   -> loaded")
                .contains("CPL 3: mov ds, 0x18 (__KERNEL_DS, DPL 0) -> #GP(0x18)");
    }

    @Test
    void anAccessPastTheLimitRaisesGeneralProtection() {
        // flags 0x4092, base 0x100000, limit 0xffff: limit 15:0 = ffff, base 23:0 = 100000, access 0x92,
        // limit 19:16 = 0, flags nibble 4, base 31:24 = 0 -> 0x004092100000ffff
        assertThat(output).contains("GDT_ENTRY_INIT(0x4092, 0x100000, 0xffff) = 0x004092100000ffff")
                .contains("read  4 bytes at es:0x1234 -> linear 0x100000 + 0x1234 = 0x101234")
                .contains("write 4 bytes at es:0xfffc -> linear 0x100000 + 0xfffc = 0x10fffc")
                // bytes 0xfffe..0x10001 pass the limit 0xffff
                .contains("read  4 bytes at es:0xfffe -> #GP(0)");
    }

    @Test
    void theIdentityAndTheHighMappingReachTheSameByte() {
        // 0xffffffff81000123: PML4 (>> 39) & 511 = 511, PDPT (>> 30) & 511 = 510, PD (>> 21) & 511 = 8;
        // PDE = 0x1000000 | PS 0x80 | R/W | P = 0x1000083; 3 reads for a 2 MiB page
        assertThat(output).contains("PML4E[511] = 0x0000000008003003").contains("PDPTE[510] = 0x0000000008004003")
                .contains("PDE  [  8] = 0x0000000001000083")
                .contains("=> physical 0x1000123 (3 table reads)");
        // root + (PDPT, PD) for the identity half + (PDPT, PD) for the high half = 5
        assertThat(output).contains("32 2 MiB pages each, 5 table frames in all.");
    }

    @Test
    void theSummaryCoversItsTwoQuestions() {
        assertThat(output).contains("q08 ").contains("q09 ").contains("q12 ");
    }

    @Test
    void everyLineFitsNinetyColumns() {
        assertThat(LessonOutput.tooWide(output)).isEmpty();
    }

    @Test
    void runningTwiceGivesTheSameText() {
        assertThat(LessonOutput.of(new ModesLesson())).isEqualTo(output);
    }
}
