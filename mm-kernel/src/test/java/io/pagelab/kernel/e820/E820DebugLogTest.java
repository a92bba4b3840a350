package io.pagelab.kernel.e820;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.pagelab.hardware.firmware.E820Entry;
import io.pagelab.hardware.firmware.E820Type;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class E820DebugLogTest {

    @Test
    void debugOnTheE820LoggerNarratesEveryChangePoint() {
        Logger logger = (Logger) LoggerFactory.getLogger("io.pagelab.kernel.e820");
        Level before = logger.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false); // keep the narration out of the test console
        try {
            E820Table table = E820Table.of(List.of(
                    E820Entry.of(0x0, 0x2000, E820Type.RAM),
                    E820Entry.of(0x1000, 0x2000, E820Type.RESERVED)));
            table.update();
        } finally {
            logger.setLevel(before);
            logger.setAdditive(true);
            logger.detachAppender(appender);
        }
        // two entries -> four change points, each narrated with its address and the winning type
        assertThat(appender.list).filteredOn(e -> e.getMessage().startsWith("change point")).hasSize(4);
        assertThat(appender.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                .isEqualTo("change point 1 at 0x0000000000001000: start of entry 1 (reserved); entries overlapping here: 2,"
                        + " winning type reserved"));
        assertThat(appender.list).allSatisfy(e -> assertThat(e.getArgumentArray()).isNotNull());
    }
}
