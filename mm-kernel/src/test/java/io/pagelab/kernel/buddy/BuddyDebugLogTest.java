package io.pagelab.kernel.buddy;

import static io.pagelab.api.Gfp.GFP_HIGHUSER_MOVABLE;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class BuddyDebugLogTest {

    @Test
    void debugOnTheBuddyLoggerNarratesSplitsAndMerges() {
        BuddyAllocator buddy = TestMachines.dma32(new long[] {0x1200, 0x1208});
        Logger logger = (Logger) LoggerFactory.getLogger("io.pagelab.kernel.buddy");
        Level before = logger.getLevel();
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        logger.setLevel(Level.DEBUG);
        logger.setAdditive(false);
        try {
            long pfn = buddy.allocPages(0, GFP_HIGHUSER_MOVABLE);
            buddy.freePages(pfn, 0);
        } finally {
            logger.setLevel(before);
            logger.setAdditive(true);
            logger.detachAppender(appender);
        }
        List<String> lines = appender.list.stream().map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
        assertThat(lines).containsExactly(
                "split order 3 block at pfn 0x1200 \u2192 keep 0x1200, free 0x1204 to order 2",
                "split order 2 block at pfn 0x1200 \u2192 keep 0x1200, free 0x1202 to order 1",
                "split order 1 block at pfn 0x1200 \u2192 keep 0x1200, free 0x1201 to order 0",
                "merge order 0 block at pfn 0x1200 with buddy 0x1201 \u2192 order 1 block at 0x1200",
                "merge order 1 block at pfn 0x1200 with buddy 0x1202 \u2192 order 2 block at 0x1200",
                "merge order 2 block at pfn 0x1200 with buddy 0x1204 \u2192 order 3 block at 0x1200",
                "free order 3 block at pfn 0x1200 to the head of free_area[3][Movable]");
    }
}
