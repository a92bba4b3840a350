package io.pagelab.kernel.mm;

import io.pagelab.api.error.InvalidArgumentException;

/**
 * The file behind a file-backed mapping, as far as /proc/pid/maps shows it: {@code vm_file}'s path
 * ({@code file_path()}), its inode's device ({@code MAJOR(dev):MINOR(dev)}) and inode number
 * (fs/proc/task_mmu.c: show_map_vma, Linux 6.6). Two VMAs map "the same file" (the
 * {@code vm_file ==} test of is_mergeable_vma) when these values are equal; pagelab has no struct file
 * identity, on purpose.
 *
 * @param path absolute path, e.g. "/usr/bin/cat"
 * @param major device major number, 0..4095
 * @param minor device minor number, 0..1048575
 * @param ino inode number, non-negative
 */
public record MappedFile(String path, int major, int minor, long ino) {
    public MappedFile {
        if (path == null || path.isEmpty()) {
            throw new InvalidArgumentException("mapped file path must be a non-empty string, got " + path);
        }
        InvalidArgumentException.check(major >= 0 && major < (1 << 12),
                "device major %s out of range: allowed 0..4095", major);
        InvalidArgumentException.check(minor >= 0 && minor < (1 << 20),
                "device minor %s out of range: allowed 0..1048575", minor);
        InvalidArgumentException.check(ino >= 0, "inode number %s must be non-negative", ino);
    }
}
