package io.pagelab.hardware.firmware;

/**
 * The input registers of one INT 0x15, AX=0xE820 call, as arch/x86/boot/memory.c:
 * detect_memory_e820() (Linux 6.x) loads them before {@code intcall(0x15, &ireg, &oreg)}.
 * Registers are 32 bits wide and kept in {@code int}s. ES:DI (the buffer address) is not
 * modelled: the entry comes back in {@link E820Reply#entry()}.
 *
 * @param eax function number, must be {@link Bios#E820} (0xE820)
 * @param ebx continuation value: 0 on the first call, then the EBX the previous reply returned
 * @param ecx size of the caller's buffer in bytes; Linux passes 20 ({@link E820Entry#BYTES})
 * @param edx signature, must be {@link Bios#SMAP} ('SMAP' = 0x534D4150)
 */
public record E820Call(int eax, int ebx, int ecx, int edx) {

    /** The first call of a walk: EAX=0xE820, EBX=0, ECX=20, EDX='SMAP'. */
    public static E820Call first() {
        return next(0);
    }

    /** A well-formed call asking for the entry at this continuation value. */
    public static E820Call next(int continuation) {
        return new E820Call(Bios.E820, continuation, E820Entry.BYTES, Bios.SMAP);
    }

    @Override
    public String toString() {
        return String.format("E820Call[eax=%#x, ebx=%#x, ecx=%d, edx=%#x]", eax, ebx, ecx, edx);
    }
}
