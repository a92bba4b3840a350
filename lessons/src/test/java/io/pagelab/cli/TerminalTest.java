package io.pagelab.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TerminalTest {

    @Test
    void colourIsOnOnlyOnATerminal() {
        assertThat(Terminal.colourWanted(true, Map.of())).isTrue();
        assertThat(Terminal.colourWanted(false, Map.of())).isFalse();
    }

    @Test
    void noColorTurnsColourOffEvenOnATerminal() {
        assertThat(Terminal.colourWanted(true, Map.of("NO_COLOR", "1"))).isFalse();
    }

    @Test
    void evenAnEmptyNoColorTurnsColourOff() {
        // pagelab's rule (the issue): NO_COLOR set to any value, even the empty string
        assertThat(Terminal.colourWanted(true, Map.of("NO_COLOR", ""))).isFalse();
    }
}
