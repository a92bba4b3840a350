package io.pagelab.userspace.malloclab;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MallocLabTableTest {

    @Test
    void theTotalAveragesUtilizationOverWeightedTracesAndDividesAllCallsByAllTime() {
        // a: 50/100 = 50%, b: 30/40 = 75%, c (weight 0) 10/100 not averaged: (50 + 75) / 2 = 62.5%;
        // throughput: 3000 calls in 3 ms = 1000 Kcalls/s
        List<String> lines = MallocLabTable.render(List.of(
                new TraceResult("a.rep", 1, 1000, 50, 100, 1_000_000),
                new TraceResult("b.rep", 1, 1000, 30, 40, 1_000_000),
                new TraceResult("c.rep", 0, 1000, 10, 100, 1_000_000)));
        assertThat(lines).containsExactly(
                "trace             calls   util  peak payload     peak heap   Kcalls/s",
                "a.rep              1000  50.0%            50           100       1000",
                "b.rep              1000  75.0%            30            40       1000",
                "c.rep*             1000  10.0%            10           100       1000",
                "total              3000  62.5%                                   1000",
                "* weight 0: not counted in the total utilization");
    }
}
