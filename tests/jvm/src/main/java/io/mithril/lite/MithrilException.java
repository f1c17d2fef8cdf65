package io.mithril.lite;

/**
 * A failed mithril-lite call: the library's numeric code (docs/mobile.md: 10-99 the binding's
 * own, 100 and up the core's stable codes), its string name ({@code "certificate_hash_mismatch"})
 * and the library's message, which names the certificate and what was expected.
 */
public final class MithrilException extends Exception {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String name;
    private final String detail;

    /** Made by the JNI shim (mithril_jni.c) with the code, name and message of the failed call. */
    public MithrilException(int code, String name, String detail) {
        super(name + " (" + code + "): " + detail);
        this.code = code;
        this.name = name;
        this.detail = detail;
    }

    /** The numeric code, as in {@code mithril_lite_code}. */
    public int code() {
        return code;
    }

    /** The string code, as {@code mithril_lite_code_name} gives it. */
    public String name() {
        return name;
    }

    /** The library's message alone (without the code). */
    public String detail() {
        return detail;
    }
}
