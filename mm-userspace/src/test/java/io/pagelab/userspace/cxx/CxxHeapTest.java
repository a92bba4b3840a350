package io.pagelab.userspace.cxx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.error.BadAddressException;
import io.pagelab.api.testkit.NaiveAddressSpace;
import io.pagelab.userspace.malloclab.ExplicitListAllocator;
import io.pagelab.userspace.malloclab.HeapAllocator;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * new/delete against g++ 12.2 on x86-64: the fixture new-delete.g++.txt was written by
 * src/test/cxx/capture.sh (new_delete.cpp replaces the global operator new[] to record the
 * request and compares the pointer new[] returns with the one operator new[] returned).
 */
class CxxHeapTest {
    /** The types of new_delete.cpp, with sizeof/alignof as g++ printed them in the fixture's header. */
    private static final Map<String, CxxType> TYPES = Map.of(
            "int", CxxType.INT,
            "Trivial", CxxType.trivial("Trivial", 4, 4),
            "WithCtor", CxxType.trivial("WithCtor", 4, 4),
            "WithDtor", CxxType.withDestructor("WithDtor", 4, 4),
            "Big", CxxType.withDestructor("Big", 24, 8),
            "Empty", CxxType.withDestructor("Empty", 1, 1),
            "Aligned16", CxxType.withDestructor("Aligned16", 16, 16),
            "SizedDelete", new CxxType("SizedDelete", 4, 4, true, true));
    private static final Pattern ARRAY = Pattern.compile("new (\\w+)\\[(\\d+)] request=(\\d+) offset=(\\d+) count=(\\S+)");
    private static final Pattern SINGLE = Pattern.compile("new (\\w+) request=(\\d+) offset=(\\d+) count=-");

    private final NaiveAddressSpace process = new NaiveAddressSpace();
    private final ExplicitListAllocator malloc = new ExplicitListAllocator();
    private final CxxHeap heap;

    CxxHeapTest() {
        malloc.init(process);
        heap = new CxxHeap(process, malloc);
    }

    private static List<String> fixture() throws IOException {
        List<String> lines = new ArrayList<>();
        try (InputStream in = CxxHeapTest.class.getResourceAsStream("new-delete.g++.txt")) {
            assertThat(in).as("fixture new-delete.g++.txt").isNotNull();
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (!line.startsWith("#")) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    private CxxCall last(CxxCall.Kind kind) {
        List<CxxCall> calls = heap.calls();
        for (int i = calls.size() - 1; i >= 0; i--) {
            if (calls.get(i).kind() == kind) {
                return calls.get(i);
            }
        }
        throw new AssertionError("no " + kind + " call in " + calls);
    }

    @Test
    void everyArrayNewOfTheGppFixtureAsksForTheSameBytesAndPlacesTheArrayAndCookieTheSameWay() throws IOException {
        int checked = 0;
        for (String line : fixture()) {
            Matcher m = ARRAY.matcher(line);
            if (!m.matches()) {
                continue;
            }
            CxxType t = TYPES.get(m.group(1));
            long n = Long.parseLong(m.group(2));
            long array = heap.newArray(t, n);
            CxxCall op = last(CxxCall.Kind.OPERATOR_NEW_ARRAY);
            assertThat(op.amount()).as("%s: bytes asked of operator new[]", line).isEqualTo(Long.parseLong(m.group(3)));
            assertThat(array - op.address()).as("%s: array pointer - raw pointer", line).isEqualTo(Long.parseLong(m.group(4)));
            assertThat(CxxHeap.arrayCookieSize(t)).as("%s: cookie size", line).isEqualTo(Long.parseLong(m.group(4)));
            if (!m.group(5).equals("-")) {
                assertThat(process.readLong(array - 8)).as("%s: count in the cookie", line).isEqualTo(Long.parseLong(m.group(5)));
            }
            heap.deleteArray(t, array);
            checked++;
        }
        assertThat(checked).as("array lines in the fixture").isEqualTo(9);
    }

    @Test
    void everySingleNewOfTheGppFixtureAsksForSizeofAndAddsNoCookie() throws IOException {
        int checked = 0;
        for (String line : fixture()) {
            Matcher m = SINGLE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            long p = heap.newObject(TYPES.get(m.group(1)));
            CxxCall op = last(CxxCall.Kind.OPERATOR_NEW);
            assertThat(op.amount()).as(line).isEqualTo(Long.parseLong(m.group(2)));
            assertThat(p - op.address()).as(line).isEqualTo(Long.parseLong(m.group(3)));
            checked++;
        }
        assertThat(checked).isEqualTo(2);
    }

    @Test
    void placementNewAllocatesNothingAsTheFixtureShows() throws IOException {
        // fixture: "placement new WithDtor calls=0 offset=0"
        assertThat(fixture()).contains("placement new WithDtor calls=0 offset=0");
        long buffer = heap.operatorNew(64);
        int before = heap.calls().size();
        assertThat(heap.placementNew(TYPES.get("WithDtor"), buffer + 16)).isEqualTo(buffer + 16);
        assertThat(heap.calls().subList(before, heap.calls().size())).extracting(CxxCall::kind)
                .containsExactly(CxxCall.Kind.CONSTRUCT);
    }

    @Test
    void deleteArrayReadsTheCountFromTheCookieAndFreesTheRawPointer() {
        CxxType big = TYPES.get("Big");
        long array = heap.newArray(big, 3);
        long raw = last(CxxCall.Kind.OPERATOR_NEW_ARRAY).address();
        heap.deleteArray(big, array);
        assertThat(last(CxxCall.Kind.DESTROY)).isEqualTo(new CxxCall(CxxCall.Kind.DESTROY, "Big", array, 3));
        assertThat(last(CxxCall.Kind.OPERATOR_DELETE_ARRAY).address()).isEqualTo(raw);
        assertThat(malloc.blocks()).as("everything free again").allMatch(b -> !b.allocated());
    }

    @Test
    void deleteArrayOfATriviallyDestructibleTypeRunsNoDestructorAndFreesTheArrayItself() {
        long array = heap.newArray(CxxType.INT, 10);
        heap.deleteArray(CxxType.INT, array);
        assertThat(heap.calls()).extracting(CxxCall::kind).doesNotContain(CxxCall.Kind.DESTROY);
        assertThat(last(CxxCall.Kind.OPERATOR_DELETE_ARRAY).address()).isEqualTo(array);
    }

    @Test
    void plainDeleteOnACookiedArrayDestroysOneElementAndFreesAPointerMallocNeverReturned() {
        CxxType withDtor = TYPES.get("WithDtor");
        long array = heap.newArray(withDtor, 10);
        // the array starts 8 bytes into the malloc block: free() sees a misaligned pointer,
        // which glibc rejects with "free(): invalid pointer" (malloc.c: _int_free)
        assertThatThrownBy(() -> heap.deleteObject(withDtor, array)).isInstanceOf(BadAddressException.class)
                .hasMessageContaining("free(): invalid pointer");
        assertThat(last(CxxCall.Kind.DESTROY).amount()).as("destructors run by plain delete").isEqualTo(1);
    }

    @Test
    void operatorNewOfZeroBytesAsksMallocForOne() {
        List<Long> requests = new ArrayList<>();
        CxxHeap recorded = new CxxHeap(process, new Recording(malloc, requests));
        recorded.operatorNew(0);
        recorded.newArray(CxxType.INT, 0);
        // new_op.cc: if (sz == 0) sz = 1; new int[0] asks operator new[] for 0 bytes
        assertThat(requests).containsExactly(1L, 1L);
        assertThat(recorded.calls().get(0).amount()).as("what operator new was asked for").isZero();
    }

    @Test
    void operatorNewThrowsBadAllocWhenMallocFailsAndNoHandlerIsSet() {
        CxxHeap starved = new CxxHeap(process, new Recording(null, new ArrayList<>()));
        assertThatThrownBy(() -> starved.operatorNew(100)).isInstanceOf(BadAlloc.class)
                .hasMessageContaining("std::bad_alloc")
                .satisfies(e -> assertThat(((BadAlloc) e).what()).isEqualTo("std::bad_alloc"));
        assertThat(starved.calls()).isEmpty();
    }

    @Test
    void theNewHandlerIsCalledUntilMallocSucceeds() {
        Recording flaky = new Recording(malloc, new ArrayList<>());
        flaky.failures = 2;
        CxxHeap h = new CxxHeap(process, flaky);
        int[] handlerCalls = {0};
        h.setNewHandler(() -> handlerCalls[0]++);
        assertThat(h.operatorNew(24)).isNotZero();
        assertThat(handlerCalls[0]).as("new-handler calls before malloc succeeded").isEqualTo(2);
    }

    @Test
    void aNegativeOrOverflowingArrayLengthIsBadArrayNewLengthBeforeAnyAllocation() {
        assertThatThrownBy(() -> heap.newArray(CxxType.INT, -1)).isInstanceOf(BadArrayNewLength.class)
                .hasMessageContaining("new int[-1]");
        assertThatThrownBy(() -> heap.newArray(TYPES.get("Big"), Long.MAX_VALUE / 8))
                .isInstanceOf(BadArrayNewLength.class)
                .satisfies(e -> assertThat(((BadAlloc) e).what()).isEqualTo("std::bad_array_new_length"));
        assertThat(heap.calls()).isEmpty();
    }

    @Test
    void deletingNullDoesNothing() {
        heap.deleteObject(TYPES.get("Big"), 0);
        heap.deleteArray(TYPES.get("Big"), 0);
        assertThat(heap.calls()).isEmpty();
    }

    @Test
    void anOverAlignedTypeIsRefusedWithTheReason() {
        CxxType avx = CxxType.withDestructor("Avx", 32, 32);
        assertThatThrownBy(() -> heap.newArray(avx, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("align_val_t");
        // the cookie rule itself still holds: max(8, alignof) = 32
        assertThat(CxxHeap.arrayCookieSize(avx)).isEqualTo(32);
    }

    @Test
    void aTypeWhoseSizeIsNotAMultipleOfItsAlignmentIsRefused() {
        assertThatThrownBy(() -> CxxType.trivial("Odd", 12, 8)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("multiple of alignof");
    }

    @Test
    void theCallLogReadsLikeTheCode() {
        long array = heap.newArray(TYPES.get("WithDtor"), 10);
        List<String> log = heap.calls().stream().map(CxxCall::toString).collect(java.util.stream.Collectors.toList());
        long raw = array - 8;
        assertThat(log).containsExactly(
                "operator new[](48) = 0x" + Long.toHexString(raw),
                "cookie at 0x" + Long.toHexString(raw) + " = 10",
                "construct 10 x WithDtor at 0x" + Long.toHexString(array));
    }

    /** Records what malloc is asked for; a null delegate always fails; fails the first {@code failures} calls. */
    private static final class Recording implements HeapAllocator {
        private final HeapAllocator delegate;
        private final List<Long> requests;
        int failures;

        Recording(HeapAllocator delegate, List<Long> requests) {
            this.delegate = delegate;
            this.requests = requests;
        }

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public void init(AddressSpace process) {
        }

        @Override
        public long malloc(long size) {
            requests.add(size);
            if (delegate == null || failures-- > 0) {
                return 0;
            }
            return delegate.malloc(size);
        }

        @Override
        public void free(long ptr) {
            delegate.free(ptr);
        }

        @Override
        public long realloc(long ptr, long size) {
            return delegate.realloc(ptr, size);
        }
    }
}
