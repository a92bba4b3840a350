package io.pagelab.lessons.arch;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FaultStepsTest {

    @Test
    void aLongKernelLineIsFoldedAtASpaceWithABackslash() {
        // 85 characters: too long for 81, so it breaks at the last space that leaves room for " \"
        String line = "Unable to handle kernel NULL pointer dereference at virtual address 0000000000000000";

        assertThat(FaultSteps.fold(line + "\nMem abort info:")).containsExactly(
                "Unable to handle kernel NULL pointer dereference at virtual address \\",
                "    0000000000000000",
                "Mem abort info:");
    }

    @Test
    void aShortLineStaysWhole() {
        assertThat(FaultSteps.fold("#PF: error_code(0x0000) - not-present page"))
                .containsExactly("#PF: error_code(0x0000) - not-present page");
    }
}
