package io.pagelab.kernel.mm;

import static org.assertj.core.api.Assertions.assertThat;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.Prot;
import io.pagelab.api.error.SegmentationFault;
import io.pagelab.api.error.SyscallException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random process lives against a model. Each seed runs 2,500 sequences (10,000 in all); a sequence
 * is one program with 20 random steps among mmap, munmap, mprotect, brk, writes, reads, fork and
 * exit, then every process exits. Checked after every step: VMAs sorted and disjoint; every read
 * sees what that same process last wrote (so a child's write never shows in its parent); after
 * the last exit the buddy allocator has every page back except the page cache.
 */
class ProcessPropertyTest {
    private static final int ANON = AddressSpace.MAP_PRIVATE | AddressSpace.MAP_ANONYMOUS;

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4})
    void randomProcessLivesKeepTheInvariants(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        Kernel k = Kernel.boot(KernelConfig.defaults().withRam(128L << 20).withSeed(seed));
        long free0 = k.buddy().freePageCount();
        for (int seq = 0; seq < 2500; seq++) {
            List<Task> live = new ArrayList<>();
            Map<Task, Map<Long, Long>> model = new HashMap<>();
            Task first = k.exec(ProgramImage.hello());
            live.add(first);
            model.put(first, new HashMap<>());
            for (int step = 0; step < 20 && !live.isEmpty(); step++) {
                Task t = live.get(rnd.nextInt(live.size()));
                Mm mm = t.mm();
                Map<Long, Long> mine = model.get(t);
                String where = "seed " + seed + " sequence " + seq + " step " + step;
                int op = rnd.nextInt(10);
                try {
                    switch (op) {
                        case 0, 1 -> mm.mmap(0, (1 + rnd.nextInt(8)) * 4096L, rnd.nextBoolean() ? Prot.USER_RW : Prot.USER_R,
                                ANON);
                        case 2 -> {
                            Vma v = pick(mm, rnd);
                            if (v != null && v.file() == null && v.name() == null) {
                                long at = v.start() + rnd.nextInt((int) v.pages()) * 4096L;
                                mm.munmap(at, 4096L * (1 + rnd.nextInt(2)));
                                mine.keySet().removeIf(p -> p >= at && p < at + 8192);
                            }
                        }
                        case 3 -> {
                            Vma v = pick(mm, rnd);
                            if (v != null && v.file() == null && v.name() == null) {
                                mm.mprotect(v.start(), 4096, rnd.nextBoolean() ? Prot.USER_RW : Prot.USER_R);
                            }
                        }
                        case 4 -> {
                            long target = mm.startBrk() + rnd.nextInt(16) * 4096L;
                            long old = mm.currentBrk();
                            mm.brk(target);
                            long lo = Math.min(MmLayout.pageAlign(target), MmLayout.pageAlign(old));
                            mine.keySet().removeIf(p -> p >= lo && p < MmLayout.pageAlign(old) && target < old);
                        }
                        case 5, 6 -> {
                            Vma v = pick(mm, rnd);
                            if (v != null && (v.flags() & Vma.VM_WRITE) != 0 && v.file() == null
                                    && (v.flags() & Vma.VM_SHARED) == 0 && v.name() == null) {
                                long p = v.start() + rnd.nextInt((int) Math.min(v.pages(), 64)) * 4096L;
                                long val = rnd.nextLong();
                                mm.writeLong(p, val);
                                mine.put(p, val);
                            }
                        }
                        case 7 -> {
                            for (Map.Entry<Long, Long> e : mine.entrySet()) {
                                if (mm.vmaAt(e.getKey()).map(v -> (v.flags() & Vma.VM_READ) != 0).orElse(false)) {
                                    assertThat(mm.readLong(e.getKey())).as(where + " read %x", e.getKey())
                                            .isEqualTo(e.getValue());
                                }
                            }
                        }
                        case 8 -> {
                            if (live.size() < 4) {
                                Task c = k.fork(t);
                                live.add(c);
                                model.put(c, new HashMap<>(mine));
                            }
                        }
                        default -> {
                            k.exit(t);
                            live.remove(t);
                            model.remove(t);
                        }
                    }
                } catch (SyscallException | SegmentationFault expected) {
                    // a refused call or a fault on a page made read-only: state must stay consistent
                }
                checkDisjoint(mm, where);
            }
            for (Task t : live) {
                k.exit(t);
            }
            assertThat(k.buddy().freePageCount() + k.pageCounts().file())
                    .as("seed %d sequence %d: pages back after exit", seed, seq).isEqualTo(free0);
        }
    }

    private static Vma pick(Mm mm, SplittableRandom rnd) {
        List<Vma> v = mm.vmas();
        return v.isEmpty() ? null : v.get(rnd.nextInt(v.size()));
    }

    private static void checkDisjoint(Mm mm, String where) {
        long prevEnd = 0;
        for (Vma v : mm.vmas()) {
            assertThat(Long.compareUnsigned(v.start(), prevEnd)).as(where + " vmas overlap at %x", v.start())
                    .isGreaterThanOrEqualTo(0);
            prevEnd = v.end();
        }
    }
}
