package io.pagelab.kernel.mm;

import io.pagelab.api.AddressSpace;
import io.pagelab.api.testkit.AddressSpaceContract;

/**
 * The kernel's process model ({@link Mm} of a freshly exec'd program, ASLR off, 128 MiB of RAM)
 * meets the whole {@link AddressSpaceContract}.
 */
class MmContractTest extends AddressSpaceContract {
    @Override
    protected AddressSpace create() {
        return Kernel.boot(KernelConfig.defaults().withoutAslr().withRam(128L << 20)).exec(ProgramImage.hello()).mm();
    }
}
