package io.mithril.lite;

/**
 * Test build only (tests/jvm/src/test/c/native_allocations.c): heap blocks the JNI library
 * (shim + mithril-lite) has allocated and not freed.
 */
final class NativeAllocations {
    private NativeAllocations() {}

    /** Live heap blocks of the JNI library, counted through the linker's --wrap. */
    static native long live();
}
