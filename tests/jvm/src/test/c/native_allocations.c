/*
 * Test build only: counts the heap blocks live in the JNI library (the shim and the
 * mithril-lite static library linked into it), so that the Java test can check that its
 * handles are all freed. scripts/test-jvm.sh links the test library with
 * -Wl,--wrap=malloc,... : every call to these functions from the library's own code (Rust's
 * allocator, blst, the shim) comes here; the JVM's allocations do not (they are not linked
 * through this object). An app's shim has none of this.
 */
#include <jni.h>
#include <stdlib.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *p, size_t size);
int __real_posix_memalign(void **out, size_t align, size_t size);
void __real_free(void *p);

/* Blocks allocated and not freed; atomic: checks allocate on the Java pool's threads. */
static long live_blocks = 0;

static void count(long delta) { __atomic_add_fetch(&live_blocks, delta, __ATOMIC_RELAXED); }

void *__wrap_malloc(size_t size) {
    void *p = __real_malloc(size);
    if (p) count(1);
    return p;
}

void *__wrap_calloc(size_t count_, size_t size) {
    void *p = __real_calloc(count_, size);
    if (p) count(1);
    return p;
}

void *__wrap_realloc(void *p, size_t size) {
    void *q = __real_realloc(p, size);
    if (!p && q) count(1);          /* realloc(NULL, n) allocates */
    else if (p && !q && size == 0) count(-1); /* glibc's realloc(p, 0) frees */
    return q;
}

int __wrap_posix_memalign(void **out, size_t align, size_t size) {
    int rc = __real_posix_memalign(out, align, size);
    if (rc == 0) count(1);
    return rc;
}

void __wrap_free(void *p) {
    if (p) count(-1);
    __real_free(p);
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_NativeAllocations_live(JNIEnv *env, jclass c) {
    (void)env;
    (void)c;
    return (jlong)__atomic_load_n(&live_blocks, __ATOMIC_RELAXED);
}
