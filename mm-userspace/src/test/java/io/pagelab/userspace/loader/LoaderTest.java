package io.pagelab.userspace.loader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pagelab.api.error.InvalidArgumentException;
import io.pagelab.kernel.mm.Kernel;
import io.pagelab.kernel.mm.KernelConfig;
import io.pagelab.kernel.mm.Task;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Real-kernel fixture (mm-userspace/src/test/c/loader/capture.sh, Linux 6.18, setarch -R): the
 * program headers of a small PIE and its /proc/self/maps. Loading the same headers must give the
 * same lines for the program's own mappings (text, RELRO, data, bss) and the stack.
 */
class LoaderTest {
    private static String resource(String name) throws IOException {
        try (InputStream in = LoaderTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aRealPieLoadsLikeLinuxAndLdSoLaidItOut() throws IOException {
        ProgramHeaders h = ProgramHeaders.parseReadelf(resource("hello_maps.readelf"));
        assertThat(h.pie()).isTrue();
        assertThat(h.loads()).hasSize(4);
        List<String> real = new ArrayList<>();
        for (String l : resource("hello_maps.maps").split("\n")) {
            if (l.startsWith("#")) {
                continue; // the capture's header
            }
            if (l.contains("hello_maps") || l.startsWith("555555559000-") || l.endsWith("[stack]")) {
                real.add(l);
            }
        }
        String first = real.get(0);
        String[] id = first.split("\\s+");
        String[] dev = id[3].split(":");
        Kernel k = Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(128L << 20));
        Task t = Loader.run(k, h, "/tmp/pagelab-loader/hello_maps", Integer.parseInt(dev[0], 16),
                Integer.parseInt(dev[1], 16), Long.parseLong(id[4]));
        List<String> sim = new ArrayList<>();
        for (String l : t.mm().maps().split("\n")) {
            if (l.contains("hello_maps") || l.startsWith("555555559000-") || l.endsWith("[stack]")) {
                sim.add(l.stripTrailing());
            }
        }
        List<String> realStripped = new ArrayList<>();
        for (String l : real) {
            realStripped.add(l.stripTrailing());
        }
        // 5 file lines (RELRO split the data page off), the bss line, the stack
        assertThat(sim).containsExactlyElementsOf(realStripped).hasSize(7);
        // start_brk is the page after bss: 0x555555569000
        assertThat(t.mm().brk(0)).isEqualTo(0x555555569000L);
    }

    @Test
    void aMalformedLoadLineIsNamed() {
        assertThatThrownBy(() -> ProgramHeaders.parseReadelf("Elf file type is DYN\n  LOAD 0x0 0xzz 0x0 0x1 0x1 R 0x1000\n"))
                .isInstanceOf(InvalidArgumentException.class).hasMessageContaining("readelf line 2");
    }
}
