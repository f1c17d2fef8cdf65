/*
 * JNI shim over the mithril-lite C ABI (include/mithril_lite.h) for the Java class
 * io.mithril.lite.Mithril: what an Android app compiles with the NDK next to the static
 * library, and what tests/jvm compiles with gcc against the host library and drives from Java
 * on the host JVM (scripts/test-jvm.sh).
 *
 * Conventions (docs/mobile.md, "Kotlin (JNI)"):
 * - handles cross as jlong (the pointer's bits); 0 is NULL, which the library refuses with
 *   MITHRIL_LITE_CODE_NULL_POINTER;
 * - a failed call throws io.mithril.lite.MithrilException(code, name, message) with the
 *   library's code, its string name and this thread's last error message; nothing is returned
 *   then (the Java side never sees the placeholder value);
 * - strings in: GetStringUTFChars / ReleaseStringUTFChars (modified UTF-8, the same bytes as
 *   UTF-8 for the ASCII hashes and keys the library takes); strings out: decoded from the
 *   library's UTF-8 bytes by java.lang.String (NewStringUTF expects modified UTF-8, which
 *   differs for NUL and characters outside the BMP); bytes as byte[];
 * - no global references: classes and strings are local references, deleted when a loop could
 *   make many of them, and freed by the JVM when the native method returns.
 * A handle is used by one Java thread at a time (the library's rule); the shim adds no lock.
 */
#include <jni.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mithril_lite.h"

#define EXCEPTION_CLASS "io/mithril/lite/MithrilException"

#define HANDLE(type, j) ((type *)(intptr_t)(j))
#define JHANDLE(p) ((jlong)(intptr_t)(p))

/* A Java String from UTF-8 bytes (new String(bytes, "UTF-8")); NULL with an exception pending
 * if the JVM could not make it. */
static jstring utf8_string(JNIEnv *env, const char *s, size_t len) {
    if (len > INT32_MAX) {
        jclass oom = (*env)->FindClass(env, "java/lang/OutOfMemoryError");
        if (oom) (*env)->ThrowNew(env, oom, "string too long for a Java array");
        return NULL;
    }
    jbyteArray bytes = (*env)->NewByteArray(env, (jsize)len);
    if (!bytes) return NULL;
    (*env)->SetByteArrayRegion(env, bytes, 0, (jsize)len, (const jbyte *)s);
    jclass string_class = (*env)->FindClass(env, "java/lang/String");
    jstring charset = (*env)->NewStringUTF(env, "UTF-8");
    jstring out = NULL;
    if (string_class && charset) {
        jmethodID ctor = (*env)->GetMethodID(env, string_class, "<init>", "([BLjava/lang/String;)V");
        if (ctor) out = (*env)->NewObject(env, string_class, ctor, bytes, charset);
    }
    (*env)->DeleteLocalRef(env, bytes);
    if (string_class) (*env)->DeleteLocalRef(env, string_class);
    if (charset) (*env)->DeleteLocalRef(env, charset);
    return out;
}

/* Throw MithrilException(code, name, message). Keeps an exception already pending (e.g. an
 * OutOfMemoryError from the JVM): that one is what went wrong first. */
static void throw_with(JNIEnv *env, mithril_lite_code rc, const char *message, size_t len) {
    if ((*env)->ExceptionCheck(env)) return;
    jclass cls = (*env)->FindClass(env, EXCEPTION_CLASS);
    if (!cls) return; /* NoClassDefFoundError pending */
    jmethodID ctor = (*env)->GetMethodID(env, cls, "<init>", "(ILjava/lang/String;Ljava/lang/String;)V");
    jstring name = ctor ? utf8_string(env, mithril_lite_code_name((uint32_t)rc),
                                      strlen(mithril_lite_code_name((uint32_t)rc)))
                        : NULL;
    jstring text = name ? utf8_string(env, message, len) : NULL;
    if (text) {
        jthrowable ex = (jthrowable)(*env)->NewObject(env, cls, ctor, (jint)rc, name, text);
        if (ex) {
            (*env)->Throw(env, ex);
            (*env)->DeleteLocalRef(env, ex);
        }
    }
    if (name) (*env)->DeleteLocalRef(env, name);
    if (text) (*env)->DeleteLocalRef(env, text);
    (*env)->DeleteLocalRef(env, cls);
}

/* Throw the failure `rc` of the library call just made, with this thread's last error message
 * (read right away: like errno, the next failing call replaces it). */
static void throw_last(JNIEnv *env, mithril_lite_code rc) {
    char small[512];
    size_t len = 0;
    if (mithril_lite_last_error_message(small, sizeof small, &len) == MITHRIL_LITE_CODE_OK) {
        throw_with(env, rc, small, len);
        return;
    }
    char *big = malloc(len + 1);
    if (big && mithril_lite_last_error_message(big, len + 1, &len) == MITHRIL_LITE_CODE_OK) {
        throw_with(env, rc, big, len);
    } else {
        throw_with(env, rc, small, strlen(small)); /* cut, but the code is right */
    }
    free(big);
}

/* Failures the shim finds itself (a Java null where the C ABI has no way to say it). */
static void throw_shim(JNIEnv *env, mithril_lite_code rc, const char *message) {
    throw_with(env, rc, message, strlen(message));
}

/* Check a library call's code: 1 if OK, else 0 with the exception thrown. */
static int ok(JNIEnv *env, mithril_lite_code rc) {
    if (rc == MITHRIL_LITE_CODE_OK) return 1;
    throw_last(env, rc);
    return 0;
}

/* ---- strings and bytes in -------------------------------------------------------------- */

/* A Java string's modified UTF-8 chars (release with release_chars); NULL for a null string
 * (the library then reports NULL_POINTER) or with an exception pending. */
static const char *get_chars(JNIEnv *env, jstring s) {
    return s ? (*env)->GetStringUTFChars(env, s, NULL) : NULL;
}

static void release_chars(JNIEnv *env, jstring s, const char *chars) {
    if (s && chars) (*env)->ReleaseStringUTFChars(env, s, chars);
}

/* A byte[]'s elements, or NULL with `*len` 0 for a null or empty array. Release with
 * release_bytes (JNI_ABORT: the library never writes input buffers). */
static jbyte *get_bytes(JNIEnv *env, jbyteArray a, size_t *len) {
    *len = 0;
    if (!a) return NULL;
    jsize n = (*env)->GetArrayLength(env, a);
    if (n == 0) return NULL;
    jbyte *bytes = (*env)->GetByteArrayElements(env, a, NULL);
    if (bytes) *len = (size_t)n;
    return bytes;
}

static void release_bytes(JNIEnv *env, jbyteArray a, jbyte *bytes) {
    if (a && bytes) (*env)->ReleaseByteArrayElements(env, a, bytes, JNI_ABORT);
}

/* A String[] as C strings (each copied, so that no JNI reference is held per item); NULL
 * items stay NULL (the library reports NULL_POINTER). Free with free_strings. Returns 0 with
 * an exception pending on failure. */
static int get_strings(JNIEnv *env, jobjectArray array, char ***out, size_t *count) {
    *out = NULL;
    *count = 0;
    if (!array) return 1;
    jsize n = (*env)->GetArrayLength(env, array);
    if (n == 0) return 1;
    char **items = calloc((size_t)n, sizeof *items);
    if (!items) {
        throw_shim(env, MITHRIL_LITE_CODE_INTERNAL, "out of memory copying the requested items");
        return 0;
    }
    for (jsize i = 0; i < n; i++) {
        jstring s = (jstring)(*env)->GetObjectArrayElement(env, array, i);
        if ((*env)->ExceptionCheck(env)) break;
        if (!s) continue;
        const char *chars = (*env)->GetStringUTFChars(env, s, NULL);
        if (chars) {
            /* malloc + memcpy rather than strdup: the test build counts the allocations this
             * library makes and frees (tests/jvm/src/test/c), and libc's strdup is not seen. */
            size_t n_chars = strlen(chars);
            items[i] = malloc(n_chars + 1);
            if (items[i]) memcpy(items[i], chars, n_chars + 1);
            (*env)->ReleaseStringUTFChars(env, s, chars);
        }
        (*env)->DeleteLocalRef(env, s);
        if (!chars) break; /* OutOfMemoryError pending */
        if (!items[i]) {
            throw_shim(env, MITHRIL_LITE_CODE_INTERNAL, "out of memory copying the requested items");
            break;
        }
    }
    *out = items;
    *count = (size_t)n;
    if ((*env)->ExceptionCheck(env)) return 0;
    return 1;
}

static void free_strings(char **items, size_t count) {
    if (!items) return;
    for (size_t i = 0; i < count; i++) free(items[i]);
    free(items);
}

/* size_t out as jlong: the counts the library reports are far below 2^63. */
static jlong size_out(size_t n) { return n > (size_t)INT64_MAX ? INT64_MAX : (jlong)n; }

/* A Java long taken as a size_t argument: negative values are refused. */
static int size_in(JNIEnv *env, jlong n, size_t *out, const char *what) {
    if (n < 0) {
        throw_shim(env, MITHRIL_LITE_CODE_INVALID_ARGUMENT, what);
        return 0;
    }
    *out = (size_t)n;
    return 1;
}

/* ---- strings out: a size query, then the string ------------------------------------------ */

typedef mithril_lite_code (*cert_text_fn)(const mithril_lite_certificate *, char *, size_t, size_t *);
typedef mithril_lite_code (*result_text_fn)(const mithril_lite_proof_result *, char *, size_t, size_t *);
typedef mithril_lite_code (*result_item_fn)(const mithril_lite_proof_result *, size_t, char *, size_t,
                                            size_t *);

/* One string getter of the C ABI, whatever its handle and arguments. */
typedef struct {
    cert_text_fn cert_text;
    result_text_fn result_text;
    result_item_fn result_item;
    const void *handle;
    size_t index;
} text_call;

static mithril_lite_code call_text(const text_call *c, char *buf, size_t cap, size_t *len) {
    if (c->cert_text) return c->cert_text((const mithril_lite_certificate *)c->handle, buf, cap, len);
    if (c->result_text) return c->result_text((const mithril_lite_proof_result *)c->handle, buf, cap, len);
    return c->result_item((const mithril_lite_proof_result *)c->handle, c->index, buf, cap, len);
}

static jstring text_out(JNIEnv *env, const text_call *c) {
    size_t len = 0;
    mithril_lite_code rc = call_text(c, NULL, 0, &len);
    if (rc != MITHRIL_LITE_CODE_BUFFER_TOO_SMALL) {
        /* A size query with cap 0 is always too small, unless the call failed. */
        if (rc != MITHRIL_LITE_CODE_OK) throw_last(env, rc);
        return rc == MITHRIL_LITE_CODE_OK ? utf8_string(env, "", 0) : NULL;
    }
    char *buf = malloc(len + 1);
    if (!buf) {
        throw_shim(env, MITHRIL_LITE_CODE_INTERNAL, "out of memory for a string from the library");
        return NULL;
    }
    jstring out = NULL;
    if (ok(env, call_text(c, buf, len + 1, &len))) out = utf8_string(env, buf, len);
    free(buf);
    return out;
}

/* ---- diagnostics ------------------------------------------------------------------------ */

JNIEXPORT jstring JNICALL Java_io_mithril_lite_Mithril_version(JNIEnv *env, jclass c) {
    (void)c;
    const char *v = mithril_lite_version();
    return utf8_string(env, v, strlen(v));
}

JNIEXPORT jstring JNICALL Java_io_mithril_lite_Mithril_codeName(JNIEnv *env, jclass c, jint code) {
    (void)c;
    const char *name = mithril_lite_code_name((uint32_t)code);
    return utf8_string(env, name, strlen(name));
}

/* ---- verifier --------------------------------------------------------------------------- */

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_verifierNew(JNIEnv *env, jclass c, jstring key) {
    (void)c;
    const char *k = get_chars(env, key);
    if (key && !k) return 0; /* OutOfMemoryError pending */
    mithril_lite_verifier *v = NULL;
    mithril_lite_code rc = mithril_lite_verifier_new(k, &v);
    release_chars(env, key, k);
    return ok(env, rc) ? JHANDLE(v) : 0;
}

JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_verifierFree(JNIEnv *env, jclass c, jlong h) {
    (void)env;
    (void)c;
    mithril_lite_verifier *v = HANDLE(mithril_lite_verifier, h);
    mithril_lite_verifier_free(&v); /* nulls only this copy: the Java owner forgets its long */
}

JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_verifierSetLimits(JNIEnv *env, jclass c, jlong h,
                                                                     jlong max_chain, jlong max_bytes) {
    (void)c;
    size_t chain, bytes;
    if (!size_in(env, max_chain, &chain, "maxChainLength is negative") ||
        !size_in(env, max_bytes, &bytes, "maxCertificateBytes is negative"))
        return;
    ok(env, mithril_lite_verifier_set_limits(HANDLE(mithril_lite_verifier, h), chain, bytes));
}

JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_verifierTrust(JNIEnv *env, jclass c, jlong h,
                                                                 jlong cert) {
    (void)c;
    ok(env, mithril_lite_verifier_trust(HANDLE(mithril_lite_verifier, h),
                                        HANDLE(const mithril_lite_certificate, cert)));
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_verifierCheckpointCount(JNIEnv *env, jclass c,
                                                                            jlong h) {
    (void)c;
    size_t n = 0;
    return ok(env, mithril_lite_verifier_checkpoint_count(HANDLE(const mithril_lite_verifier, h), &n))
               ? size_out(n)
               : 0;
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_verifierCachedKeys(JNIEnv *env, jclass c, jlong h) {
    (void)c;
    size_t n = 0;
    return ok(env, mithril_lite_verifier_cached_keys(HANDLE(const mithril_lite_verifier, h), &n))
               ? size_out(n)
               : 0;
}

JNIEXPORT jbyteArray JNICALL Java_io_mithril_lite_Mithril_verifierExportCheckpoints(JNIEnv *env,
                                                                                   jclass c, jlong h) {
    (void)c;
    const mithril_lite_verifier *v = HANDLE(const mithril_lite_verifier, h);
    size_t len = 0;
    mithril_lite_code rc = mithril_lite_verifier_export_checkpoints(v, NULL, 0, &len);
    if (rc != MITHRIL_LITE_CODE_BUFFER_TOO_SMALL && !ok(env, rc)) return NULL;
    if (len > INT32_MAX) {
        throw_shim(env, MITHRIL_LITE_CODE_INTERNAL, "checkpoints too large for a Java array");
        return NULL;
    }
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        throw_shim(env, MITHRIL_LITE_CODE_INTERNAL, "out of memory for the checkpoints");
        return NULL;
    }
    jbyteArray out = NULL;
    if (ok(env, mithril_lite_verifier_export_checkpoints(v, buf, len, &len))) {
        out = (*env)->NewByteArray(env, (jsize)len);
        if (out) (*env)->SetByteArrayRegion(env, out, 0, (jsize)len, (const jbyte *)buf);
    }
    free(buf);
    return out;
}

JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_verifierImportCheckpoints(JNIEnv *env, jclass c,
                                                                             jlong h, jbyteArray bytes) {
    (void)c;
    if (!bytes) {
        throw_shim(env, MITHRIL_LITE_CODE_NULL_POINTER, "the checkpoint bytes are null");
        return;
    }
    size_t len;
    jbyte *b = get_bytes(env, bytes, &len);
    if ((*env)->ExceptionCheck(env)) return;
    mithril_lite_code rc =
        mithril_lite_verifier_import_checkpoints(HANDLE(mithril_lite_verifier, h), (const uint8_t *)b, len);
    release_bytes(env, bytes, b);
    ok(env, rc);
}

JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_verifierClearCheckpoints(JNIEnv *env, jclass c,
                                                                            jlong h) {
    (void)c;
    ok(env, mithril_lite_verifier_clear_checkpoints(HANDLE(mithril_lite_verifier, h)));
}

/* ---- walk ------------------------------------------------------------------------------- */

typedef mithril_lite_code (*walk_new_fn)(const mithril_lite_verifier *, const char *,
                                         mithril_lite_walk **);

static jlong walk_new(JNIEnv *env, walk_new_fn fn, jlong v, jstring hash) {
    const char *h = get_chars(env, hash);
    if (hash && !h) return 0;
    mithril_lite_walk *w = NULL;
    mithril_lite_code rc = fn(HANDLE(const mithril_lite_verifier, v), h, &w);
    release_chars(env, hash, h);
    return ok(env, rc) ? JHANDLE(w) : 0;
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_walkNew(JNIEnv *env, jclass c, jlong v, jstring hash) {
    (void)c;
    return walk_new(env, mithril_lite_walk_new, v, hash);
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_walkNewWithJobs(JNIEnv *env, jclass c, jlong v,
                                                                    jstring hash) {
    (void)c;
    return walk_new(env, mithril_lite_walk_new_with_jobs, v, hash);
}

JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_walkFree(JNIEnv *env, jclass c, jlong h) {
    (void)env;
    (void)c;
    mithril_lite_walk *w = HANDLE(mithril_lite_walk, h);
    mithril_lite_walk_free(&w);
}

/* The next hash to fetch; null when the walk is done; "" when a jobs-mode walk waits for
 * checks (AWAIT_CHECKS). */
JNIEXPORT jstring JNICALL Java_io_mithril_lite_Mithril_walkNextNeeded(JNIEnv *env, jclass c, jlong w) {
    (void)c;
    char hash[65]; /* every hash the walk asks for fits (header) */
    size_t len = 0;
    mithril_lite_code rc = mithril_lite_walk_next_needed(HANDLE(const mithril_lite_walk, w), hash,
                                                         sizeof hash, &len);
    if (rc == MITHRIL_LITE_CODE_DONE) return NULL;
    if (rc == MITHRIL_LITE_CODE_AWAIT_CHECKS) return utf8_string(env, "", 0);
    if (!ok(env, rc)) return NULL;
    return utf8_string(env, hash, len);
}

JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_walkFeed(JNIEnv *env, jclass c, jlong w,
                                                            jbyteArray body) {
    (void)c;
    if (!body) {
        throw_shim(env, MITHRIL_LITE_CODE_NULL_POINTER, "the certificate body is null");
        return;
    }
    size_t len;
    jbyte *b = get_bytes(env, body, &len);
    if ((*env)->ExceptionCheck(env)) return;
    mithril_lite_code rc = mithril_lite_walk_feed(HANDLE(mithril_lite_walk, w), (const uint8_t *)b, len);
    release_bytes(env, body, b);
    ok(env, rc);
}

JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_walkFetchFailed(JNIEnv *env, jclass c, jlong w,
                                                                   jstring detail) {
    (void)c;
    const char *d = get_chars(env, detail); /* null: no detail, which the C ABI allows */
    if (detail && !d) return;
    mithril_lite_code rc = mithril_lite_walk_fetch_failed(HANDLE(mithril_lite_walk, w), d);
    release_chars(env, detail, d);
    ok(env, rc);
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_walkCertificatesFed(JNIEnv *env, jclass c, jlong w) {
    (void)c;
    size_t n = 0;
    return ok(env, mithril_lite_walk_certificates_fed(HANDLE(const mithril_lite_walk, w), &n)) ? size_out(n)
                                                                                                : 0;
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_walkPendingChecks(JNIEnv *env, jclass c, jlong w) {
    (void)c;
    size_t n = 0;
    return ok(env, mithril_lite_walk_pending_checks(HANDLE(const mithril_lite_walk, w), &n)) ? size_out(n)
                                                                                              : 0;
}

/* The verified certificate (a new handle: certificateFree); throws the verdict's error. */
JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_walkResult(JNIEnv *env, jclass c, jlong w) {
    (void)c;
    mithril_lite_certificate *cert = NULL;
    return ok(env, mithril_lite_walk_result(HANDLE(const mithril_lite_walk, w), &cert)) ? JHANDLE(cert) : 0;
}

/* ---- checks (jobs mode) ----------------------------------------------------------------- */

/* The next check the last feed handed out, or 0 when there is none. */
JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_walkTakeCheck(JNIEnv *env, jclass c, jlong w) {
    (void)c;
    mithril_lite_check *check = NULL;
    return ok(env, mithril_lite_walk_take_check(HANDLE(mithril_lite_walk, w), &check)) ? JHANDLE(check) : 0;
}

/* Any thread: runs the check; its outcome goes to the walk through walkComplete. */
JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_checkRun(JNIEnv *env, jclass c, jlong check) {
    (void)c;
    ok(env, mithril_lite_check_run(HANDLE(mithril_lite_check, check)));
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_checkIndex(JNIEnv *env, jclass c, jlong check) {
    (void)c;
    size_t index = 0;
    return ok(env, mithril_lite_check_index(HANDLE(const mithril_lite_check, check), &index))
               ? size_out(index)
               : 0;
}

/* Gives a check that has run back to its walk and frees it (the Java long is dangling after a
 * normal return); on an exception the check is still the caller's. */
JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_walkComplete(JNIEnv *env, jclass c, jlong w,
                                                                jlong check) {
    (void)c;
    mithril_lite_check *k = HANDLE(mithril_lite_check, check);
    ok(env, mithril_lite_walk_complete(HANDLE(mithril_lite_walk, w), &k));
}

JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_checkFree(JNIEnv *env, jclass c, jlong check) {
    (void)env;
    (void)c;
    mithril_lite_check *k = HANDLE(mithril_lite_check, check);
    mithril_lite_check_free(&k);
}

/* ---- certificate ------------------------------------------------------------------------ */

JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_certificateFree(JNIEnv *env, jclass c, jlong h) {
    (void)env;
    (void)c;
    mithril_lite_certificate *cert = HANDLE(mithril_lite_certificate, h);
    mithril_lite_certificate_free(&cert);
}

static jstring cert_text(JNIEnv *env, jlong h, cert_text_fn fn) {
    text_call call = {fn, NULL, NULL, HANDLE(const void, h), 0};
    return text_out(env, &call);
}

JNIEXPORT jstring JNICALL Java_io_mithril_lite_Mithril_certificateHash(JNIEnv *env, jclass c, jlong h) {
    (void)c;
    return cert_text(env, h, mithril_lite_certificate_hash);
}

JNIEXPORT jstring JNICALL Java_io_mithril_lite_Mithril_certificateJson(JNIEnv *env, jclass c, jlong h) {
    (void)c;
    return cert_text(env, h, mithril_lite_certificate_json);
}

JNIEXPORT jstring JNICALL Java_io_mithril_lite_Mithril_certificateSignedEntityType(JNIEnv *env, jclass c,
                                                                                  jlong h) {
    (void)c;
    return cert_text(env, h, mithril_lite_certificate_signed_entity_type);
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_certificateEpoch(JNIEnv *env, jclass c, jlong h) {
    (void)c;
    uint64_t epoch = 0;
    return ok(env, mithril_lite_certificate_epoch(HANDLE(const mithril_lite_certificate, h), &epoch))
               ? (jlong)epoch
               : 0;
}

/* ---- proofs and artifacts --------------------------------------------------------------- */

typedef mithril_lite_code (*items_proof_fn)(const mithril_lite_certificate *, const uint8_t *, size_t,
                                            const char *const *, size_t, mithril_lite_proof_result **);

static jlong verify_items(JNIEnv *env, items_proof_fn fn, jlong cert, jbyteArray body, jobjectArray ids) {
    if (!body) {
        throw_shim(env, MITHRIL_LITE_CODE_NULL_POINTER, "the proof body is null");
        return 0;
    }
    char **items = NULL;
    size_t count = 0;
    if (!get_strings(env, ids, &items, &count)) {
        free_strings(items, count);
        return 0;
    }
    size_t len;
    jbyte *b = get_bytes(env, body, &len);
    mithril_lite_proof_result *result = NULL;
    mithril_lite_code rc = MITHRIL_LITE_CODE_OK;
    if (!(*env)->ExceptionCheck(env))
        rc = fn(HANDLE(const mithril_lite_certificate, cert), (const uint8_t *)b, len,
                (const char *const *)items, count, &result);
    release_bytes(env, body, b);
    free_strings(items, count);
    if ((*env)->ExceptionCheck(env)) return 0;
    return ok(env, rc) ? JHANDLE(result) : 0;
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_verifyTransactionsProofV1(JNIEnv *env, jclass c,
                                                                              jlong cert, jbyteArray body,
                                                                              jobjectArray hashes) {
    (void)c;
    return verify_items(env, mithril_lite_verify_transactions_proof_v1, cert, body, hashes);
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_verifyTransactionsProofV2(JNIEnv *env, jclass c,
                                                                              jlong cert, jbyteArray body,
                                                                              jobjectArray hashes) {
    (void)c;
    return verify_items(env, mithril_lite_verify_transactions_proof_v2, cert, body, hashes);
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_verifyBlocksProof(JNIEnv *env, jclass c, jlong cert,
                                                                      jbyteArray body, jobjectArray hashes) {
    (void)c;
    return verify_items(env, mithril_lite_verify_blocks_proof, cert, body, hashes);
}

typedef mithril_lite_code (*artifact_fn)(const mithril_lite_certificate *, const uint8_t *, size_t,
                                         mithril_lite_proof_result **);

static jlong verify_artifact(JNIEnv *env, artifact_fn fn, jlong cert, jbyteArray body) {
    if (!body) {
        throw_shim(env, MITHRIL_LITE_CODE_NULL_POINTER, "the artifact body is null");
        return 0;
    }
    size_t len;
    jbyte *b = get_bytes(env, body, &len);
    if ((*env)->ExceptionCheck(env)) return 0;
    mithril_lite_proof_result *result = NULL;
    mithril_lite_code rc = fn(HANDLE(const mithril_lite_certificate, cert), (const uint8_t *)b, len, &result);
    release_bytes(env, body, b);
    return ok(env, rc) ? JHANDLE(result) : 0;
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_verifyMithrilStakeDistribution(JNIEnv *env, jclass c,
                                                                                   jlong cert,
                                                                                   jbyteArray body) {
    (void)c;
    return verify_artifact(env, mithril_lite_verify_mithril_stake_distribution, cert, body);
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_verifyCardanoStakeDistribution(JNIEnv *env, jclass c,
                                                                                   jlong cert,
                                                                                   jbyteArray body) {
    (void)c;
    return verify_artifact(env, mithril_lite_verify_cardano_stake_distribution, cert, body);
}

/* `digests` null: the app does not have the digests list (the C ABI's NULL, 0). */
JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_verifyCardanoDatabase(JNIEnv *env, jclass c,
                                                                          jlong cert, jbyteArray body,
                                                                          jbyteArray digests) {
    (void)c;
    if (!body) {
        throw_shim(env, MITHRIL_LITE_CODE_NULL_POINTER, "the artifact body is null");
        return 0;
    }
    size_t len, digests_len;
    jbyte *b = get_bytes(env, body, &len);
    jbyte *d = (*env)->ExceptionCheck(env) ? NULL : get_bytes(env, digests, &digests_len);
    mithril_lite_proof_result *result = NULL;
    mithril_lite_code rc = MITHRIL_LITE_CODE_OK;
    if (!(*env)->ExceptionCheck(env))
        rc = mithril_lite_verify_cardano_database(HANDLE(const mithril_lite_certificate, cert),
                                                  (const uint8_t *)b, len, (const uint8_t *)d,
                                                  d ? digests_len : 0, &result);
    release_bytes(env, body, b);
    release_bytes(env, digests, d);
    if ((*env)->ExceptionCheck(env)) return 0;
    return ok(env, rc) ? JHANDLE(result) : 0;
}

/* ---- proof results ---------------------------------------------------------------------- */

JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_proofResultFree(JNIEnv *env, jclass c, jlong h) {
    (void)env;
    (void)c;
    mithril_lite_proof_result *r = HANDLE(mithril_lite_proof_result, h);
    mithril_lite_proof_result_free(&r);
}

JNIEXPORT jstring JNICALL Java_io_mithril_lite_Mithril_proofResultJson(JNIEnv *env, jclass c, jlong h) {
    (void)c;
    text_call call = {NULL, mithril_lite_proof_result_json, NULL, HANDLE(const void, h), 0};
    return text_out(env, &call);
}

static jstring result_item(JNIEnv *env, jlong h, jlong index, result_item_fn fn) {
    size_t i;
    if (!size_in(env, index, &i, "the item index is negative")) return NULL;
    text_call call = {NULL, NULL, fn, HANDLE(const void, h), i};
    return text_out(env, &call);
}

JNIEXPORT jstring JNICALL Java_io_mithril_lite_Mithril_proofResultCertifiedItem(JNIEnv *env, jclass c,
                                                                               jlong h, jlong index) {
    (void)c;
    return result_item(env, h, index, mithril_lite_proof_result_certified_item);
}

JNIEXPORT jstring JNICALL Java_io_mithril_lite_Mithril_proofResultNonCertifiedItem(JNIEnv *env, jclass c,
                                                                                  jlong h, jlong index) {
    (void)c;
    return result_item(env, h, index, mithril_lite_proof_result_non_certified_item);
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_proofResultCertifiedCount(JNIEnv *env, jclass c,
                                                                              jlong h) {
    (void)c;
    size_t n = 0;
    return ok(env, mithril_lite_proof_result_certified_count(HANDLE(const mithril_lite_proof_result, h), &n))
               ? size_out(n)
               : 0;
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_proofResultNonCertifiedCount(JNIEnv *env, jclass c,
                                                                                 jlong h) {
    (void)c;
    size_t n = 0;
    return ok(env,
              mithril_lite_proof_result_non_certified_count(HANDLE(const mithril_lite_proof_result, h), &n))
               ? size_out(n)
               : 0;
}

typedef mithril_lite_code (*result_u64_fn)(const mithril_lite_proof_result *, uint64_t *);

static jlong result_u64(JNIEnv *env, jlong h, result_u64_fn fn) {
    uint64_t value = 0;
    return ok(env, fn(HANDLE(const mithril_lite_proof_result, h), &value)) ? (jlong)value : 0;
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_proofResultLatestBlockNumber(JNIEnv *env, jclass c,
                                                                                 jlong h) {
    (void)c;
    return result_u64(env, h, mithril_lite_proof_result_latest_block_number);
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_proofResultBlockNumberOffset(JNIEnv *env, jclass c,
                                                                                 jlong h) {
    (void)c;
    return result_u64(env, h, mithril_lite_proof_result_block_number_offset);
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_proofResultEpoch(JNIEnv *env, jclass c, jlong h) {
    (void)c;
    return result_u64(env, h, mithril_lite_proof_result_epoch);
}

/* `hash` null: not asked by hash; `has_epoch` false: not asked by epoch. */
JNIEXPORT void JNICALL Java_io_mithril_lite_Mithril_proofResultCheckRequested(JNIEnv *env, jclass c, jlong h,
                                                                             jstring hash,
                                                                             jboolean has_epoch,
                                                                             jlong epoch) {
    (void)c;
    const char *chars = get_chars(env, hash);
    if ((*env)->ExceptionCheck(env)) return;
    if (hash && !chars) return;
    uint64_t asked_epoch = (uint64_t)epoch;
    mithril_lite_code rc = mithril_lite_proof_result_check_requested(
        HANDLE(const mithril_lite_proof_result, h), chars, has_epoch ? &asked_epoch : NULL);
    release_chars(env, hash, chars);
    ok(env, rc);
}

/* ---- networks, limits, progress, what a proof names --------------------------------------- */

/* A Java String[] of the four strings of a network entry. */
static jobjectArray network_out(JNIEnv *env, const mithril_lite_network *n) {
    jclass string_class = (*env)->FindClass(env, "java/lang/String");
    if (!string_class) return NULL;
    jobjectArray out = (*env)->NewObjectArray(env, 4, string_class, NULL);
    if (!out) return NULL;
    const char *fields[4] = {n->name, n->mithril_name, n->genesis_verification_key, n->aggregator};
    for (jsize i = 0; i < 4; i++) {
        jstring s = utf8_string(env, fields[i], strlen(fields[i]));
        if (!s) return NULL;
        (*env)->SetObjectArrayElement(env, out, i, s);
        (*env)->DeleteLocalRef(env, s);
    }
    return out;
}

JNIEXPORT jobjectArray JNICALL Java_io_mithril_lite_Mithril_networkFind(JNIEnv *env, jclass c, jstring name) {
    (void)c;
    const char *n = get_chars(env, name);
    if (name && !n) return NULL;
    mithril_lite_network net;
    mithril_lite_code rc = mithril_lite_network_find(n, &net);
    release_chars(env, name, n);
    return ok(env, rc) ? network_out(env, &net) : NULL;
}

JNIEXPORT jlong JNICALL Java_io_mithril_lite_Mithril_verifierNewForNetwork(JNIEnv *env, jclass c,
                                                                          jstring name) {
    (void)c;
    const char *n = get_chars(env, name);
    if (name && !n) return 0;
    mithril_lite_verifier *v = NULL;
    mithril_lite_code rc = mithril_lite_verifier_new_for_network(n, &v);
    release_chars(env, name, n);
    return ok(env, rc) ? JHANDLE(v) : 0;
}

JNIEXPORT jlongArray JNICALL Java_io_mithril_lite_Mithril_defaultLimits(JNIEnv *env, jclass c) {
    (void)c;
    mithril_lite_limits l;
    if (!ok(env, mithril_lite_default_limits(&l))) return NULL;
    jlong v[7] = {size_out(l.max_chain_length),
                  size_out(l.max_certificate_bytes),
                  size_out(l.pairing_batch),
                  size_out(l.max_signatures_per_certificate),
                  size_out(l.max_indices_per_certificate),
                  size_out(l.max_indices_per_signature),
                  size_out(l.max_checkpoints)};
    jlongArray out = (*env)->NewLongArray(env, 7);
    if (out) (*env)->SetLongArrayRegion(env, out, 0, 7, v);
    return out;
}

/* An epoch that may be unset, as Java sees it: -1 when unset. */
static jlong epoch_out(uint64_t epoch, bool set) { return set && epoch <= (uint64_t)INT64_MAX ? (jlong)epoch : -1; }

JNIEXPORT jlongArray JNICALL Java_io_mithril_lite_Mithril_walkProgress(JNIEnv *env, jclass c, jlong w) {
    (void)c;
    mithril_lite_progress p;
    if (!ok(env, mithril_lite_walk_progress(HANDLE(const mithril_lite_walk, w), &p))) return NULL;
    jlong v[8] = {size_out(p.certificates_fetched),
                  size_out(p.certificates_checked),
                  size_out(p.certificates_verified),
                  size_out(p.pending_checks),
                  epoch_out(p.current_epoch, p.has_current_epoch),
                  epoch_out(p.anchor_epoch, p.has_anchor_epoch),
                  p.anchor_verified ? 1 : 0,
                  /* The fraction in millionths, -1 while the anchor's epoch is unknown. */
                  p.has_fraction ? (jlong)(p.fraction * 1e6 + 0.5) : -1};
    jlongArray out = (*env)->NewLongArray(env, 8);
    if (out) (*env)->SetLongArrayRegion(env, out, 0, 8, v);
    return out;
}

JNIEXPORT jstring JNICALL Java_io_mithril_lite_Mithril_proofCertificateHash(JNIEnv *env, jclass c,
                                                                           jbyteArray body) {
    (void)c;
    if (!body) {
        throw_shim(env, MITHRIL_LITE_CODE_NULL_POINTER, "the body is null");
        return NULL;
    }
    size_t len;
    jbyte *b = get_bytes(env, body, &len);
    if ((*env)->ExceptionCheck(env)) return NULL;
    char hash[256];
    size_t n = 0;
    mithril_lite_code rc =
        mithril_lite_proof_certificate_hash((const uint8_t *)b, len, hash, sizeof hash, &n, NULL);
    release_bytes(env, body, b);
    return ok(env, rc) ? utf8_string(env, hash, n) : NULL;
}
