package io.pagelab.kernel.slub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PfnMapTest {

    @Test
    void aFrameMapsToWhatWasPutAndToNothingAfterRemoval() {
        PfnMap<String> map = new PfnMap<>();
        map.put(0x1234, "slab");
        assertThat(map.get(0x1234)).isEqualTo("slab");
        assertThat(map.get(0x1235)).isNull();
        assertThat(map.remove(0x1234)).isEqualTo("slab");
        assertThat(map.get(0x1234)).isNull();
        assertThat(map.size()).isZero();
    }

    @Test
    void putOnAMappedFrameReplacesTheObjectWithoutGrowing() {
        PfnMap<String> map = new PfnMap<>();
        map.put(7, "a");
        map.put(7, "b");
        assertThat(map.get(7)).isEqualTo("b");
        assertThat(map.size()).isEqualTo(1);
    }

    @Test
    void aNegativePfnOrANullObjectIsRefusedAndTheMapStaysAsItWas() {
        PfnMap<String> map = new PfnMap<>();
        map.put(1, "a");
        assertThatThrownBy(() -> map.put(-1, "x")).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("pfn -1 is negative");
        assertThatThrownBy(() -> map.put(2, null)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("cannot map to null");
        assertThat(map.size()).isEqualTo(1);
        assertThat(map.get(2)).isNull();
    }

    @Test
    void randomPutsAndRemovesAgreeWithAHashMap() {
        // the reference is java.util.HashMap: after every step both maps must hold the same frames
        for (long seed = 1; seed <= 20; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            PfnMap<Long> map = new PfnMap<>();
            Map<Long, Long> ref = new HashMap<>();
            for (int step = 0; step < 2000; step++) {
                long pfn = rnd.nextLong(512); // a small key range: long probe runs, many removals hit
                if (rnd.nextInt(3) == 0) {
                    assertThat(map.remove(pfn)).as("seed %s step %s remove %s", seed, step, pfn)
                            .isEqualTo(ref.remove(pfn));
                } else {
                    map.put(pfn, pfn * 3);
                    ref.put(pfn, pfn * 3);
                }
                assertThat(map.size()).as("seed %s step %s", seed, step).isEqualTo(ref.size());
            }
            for (long pfn = 0; pfn < 512; pfn++) {
                assertThat(map.get(pfn)).as("seed %s pfn %s", seed, pfn).isEqualTo(ref.get(pfn));
            }
            assertThat(map.values()).as("seed %s", seed).containsExactlyInAnyOrderElementsOf(ref.values());
        }
    }
}
