package io.pagelab.kernel.buddy;

/**
 * The reverse-map step of {@code migrate_pages()} (mm/migrate.c, Linux 6.13: {@code remove_migration_ptes()}
 * after {@code try_to_migrate()}): every mapping of the old block must now point at the new one.
 * pagelab's page allocator does not know who maps a page; the process model registers this hook
 * with {@link BuddyAllocator#setMigrationHook} and rewrites its PTEs.
 */
@FunctionalInterface
public interface MigrationHook {
    /** A hook that does nothing: no page tables exist yet. */
    MigrationHook NONE = (oldPfn, newPfn, order) -> { };

    /** The block of {@code 1 << order} pages at {@code oldPfn} now lives at {@code newPfn}. */
    void remap(long oldPfn, long newPfn, int order);
}
