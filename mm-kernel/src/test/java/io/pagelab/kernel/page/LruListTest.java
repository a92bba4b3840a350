package io.pagelab.kernel.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import org.junit.jupiter.api.Test;

class LruListTest {

    // sections 0 and 32: pfns 0..0x7fff and 0x100000..0x107fff
    private static MemMap twoSections() {
        return MemMap.of(new long[] {0, 32}, new int[] {0, 0});
    }

    @Test
    void addHeadPutsTheNewestFrameFirstAsListAddDoes() {
        MemMap m = twoSections();
        LruList list = new LruList(m, "inactive_anon");
        list.addHead(1);
        list.addHead(2);
        list.addHead(3);
        // list_add() inserts right after the head: the last added comes first, 3 2 1
        assertThat(list.toArray()).containsExactly(3, 2, 1);
        assertThat(list.first()).isEqualTo(3);
        assertThat(list.last()).isEqualTo(1);
        assertThat(list.size()).isEqualTo(3);
    }

    @Test
    void addTailAppendsAsListAddTailDoes() {
        MemMap m = twoSections();
        LruList list = new LruList(m, "inactive_file");
        list.addTail(1);
        list.addTail(2);
        list.addHead(7);
        list.addTail(0x100005);
        // 7 at the head, then 1 2 in insertion order, then the frame of section 32 at the tail
        assertThat(list.toArray()).containsExactly(7, 1, 2, 0x100005);
        assertThat(list.next(2)).isEqualTo(0x100005);
        assertThat(list.prev(7)).isEqualTo(MemMap.LRU_END);
        assertThat(list.next(0x100005)).isEqualTo(MemMap.LRU_END);
    }

    @Test
    void delUnlinksFromTheMiddleAndBothEndsAndPoisonsTheLinks() {
        MemMap m = twoSections();
        LruList list = new LruList(m, "active_anon");
        for (long p : new long[] {10, 11, 12, 13}) {
            list.addTail(p);
        }
        list.del(11); // middle: 10 12 13
        assertThat(list.toArray()).containsExactly(10, 12, 13);
        assertThat(m.lruPrev(11)).isEqualTo(MemMap.LRU_NONE);
        assertThat(m.lruNext(11)).isEqualTo(MemMap.LRU_NONE);
        assertThat(m.onLru(11)).isFalse();
        list.del(10); // head: 12 13
        list.del(13); // tail: 12
        assertThat(list.toArray()).containsExactly(12);
        assertThat(list.first()).isEqualTo(12);
        assertThat(list.last()).isEqualTo(12);
        list.del(12);
        assertThat(list.isEmpty()).isTrue();
        assertThat(list.first()).isEqualTo(MemMap.LRU_END);
        assertThat(list.last()).isEqualTo(MemMap.LRU_END);
    }

    @Test
    void aFrameCannotBeAddedTwice() {
        MemMap m = twoSections();
        LruList a = new LruList(m, "active_file");
        LruList b = new LruList(m, "inactive_file");
        a.addTail(5);
        assertThatThrownBy(() -> b.addHead(5)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("already on an LRU list");
        assertThat(a.toArray()).containsExactly(5);
        assertThat(b.isEmpty()).isTrue();
    }

    @Test
    void deletingAFrameOfAnotherListIsRefused() {
        MemMap m = twoSections();
        LruList a = new LruList(m, "active_file");
        LruList b = new LruList(m, "inactive_file");
        a.addTail(5);
        b.addTail(6);
        assertThatThrownBy(() -> b.del(5)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("another LRU list");
        assertThatThrownBy(() -> b.del(9)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("linked on no list");
        assertThat(a.toArray()).containsExactly(5);
        assertThat(b.toArray()).containsExactly(6);
    }

    @Test
    void aFrameWithoutStructPageIsRefused() {
        LruList list = new LruList(twoSections(), "unevictable");
        // pfn 0x8000 is section 1, which is absent
        assertThatThrownBy(() -> list.addTail(0x8000)).isInstanceOf(InvalidArgumentException.class)
                .hasMessageContaining("0x8000");
        assertThat(list.isEmpty()).isTrue();
    }

    @Test
    void lruArraysAreCreatedOnlyOnTheFirstLinkOfTheirSection() {
        MemMap m = twoSections();
        assertThat(m.hasLruArrays(0)).isFalse();
        assertThat(m.lruNext(3)).isEqualTo(MemMap.LRU_NONE); // reading allocates nothing
        assertThat(m.hasLruArrays(0)).isFalse();
        assertThat(m.footprint().lruBytes()).isZero();
        new LruList(m, "inactive_anon").addTail(3);
        assertThat(m.hasLruArrays(0)).isTrue();
        assertThat(m.hasLruArrays(0x100000)).isFalse();
    }

    @Test
    void theFootprintGrowsOnlyForSectionsThatUseLru() {
        MemMap m = twoSections();
        long before = m.footprint().totalBytes();
        LruList list = new LruList(m, "inactive_anon");
        list.addTail(3);
        list.addTail(4);
        // one section: two long[32768] arrays with a 16-byte header each = 2 * (16 + 8 * 32768)
        assertThat(m.footprint().lruBytes()).isEqualTo(2 * (16 + 8L * 32768));
        assertThat(m.footprint().totalBytes()).isEqualTo(before + 2 * (16 + 8L * 32768));
        list.addTail(0x100001);
        assertThat(m.footprint().lruBytes()).isEqualTo(2 * 2 * (16 + 8L * 32768));
        assertThat(m.footprint().mapcountBytes()).isZero();
    }
}
