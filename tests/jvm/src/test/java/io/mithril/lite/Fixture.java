package io.mithril.lite;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The fixture files as the test's "network": a minimal JSON scanner that splits a top-level
 * object ({@code {"hash": {...}, ...}}) into raw value bytes by key, as an app gets one body per
 * request. Only what the fixtures need; the library parses the bodies.
 */
final class Fixture {
    private Fixture() {}

    /** The top-level object of {@code file} as key to raw JSON value bytes, in file order. */
    static Map<String, byte[]> map(Path file) throws IOException {
        byte[] b = Files.readAllBytes(file);
        Map<String, byte[]> out = new LinkedHashMap<>();
        int i = skipSpace(b, 0);
        expect(b, i++, '{', file);
        while (true) {
            i = skipSpace(b, i);
            if (i < b.length && b[i] == '}') return out;
            expect(b, i, '"', file);
            int keyEnd = skipString(b, i);
            String key = new String(b, i + 1, keyEnd - i - 2, StandardCharsets.UTF_8);
            i = skipSpace(b, keyEnd);
            expect(b, i++, ':', file);
            int start = skipSpace(b, i);
            int end = skipValue(b, start);
            out.put(key, Arrays.copyOfRange(b, start, end));
            i = skipSpace(b, end);
            if (i < b.length && b[i] == ',') i++;
        }
    }

    /** The string value of the first {@code "key": "..."} in {@code json} (null if absent). */
    static String stringField(byte[] json, String key) {
        int at = valueOf(json, key);
        if (at < 0 || json[at] != '"') return null;
        int end = skipString(json, at);
        return new String(json, at + 1, end - at - 2, StandardCharsets.UTF_8);
    }

    /** A copy of {@code json} with the number after the first {@code "key":} increased by one. */
    static byte[] bumpNumber(byte[] json, String key) {
        int at = valueOf(json, key);
        if (at < 0) throw new IllegalArgumentException("no \"" + key + "\" in the body");
        int end = at;
        while (end < json.length && json[end] >= '0' && json[end] <= '9') end++;
        if (end == at) throw new IllegalArgumentException("\"" + key + "\" is not a number");
        long n = Long.parseLong(new String(json, at, end - at, StandardCharsets.US_ASCII)) + 1;
        byte[] digits = Long.toString(n).getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[json.length - (end - at) + digits.length];
        System.arraycopy(json, 0, out, 0, at);
        System.arraycopy(digits, 0, out, at, digits.length);
        System.arraycopy(json, end, out, at + digits.length, json.length - end);
        return out;
    }

    /** Position of the value after the first {@code "key":} (-1 if absent). */
    private static int valueOf(byte[] json, String key) {
        byte[] needle = ("\"" + key + "\"").getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + needle.length <= json.length; i++) {
            for (int j = 0; j < needle.length; j++) if (json[i + j] != needle[j]) continue outer;
            int k = skipSpace(json, i + needle.length);
            if (k < json.length && json[k] == ':') return skipSpace(json, k + 1);
        }
        return -1;
    }

    private static int skipSpace(byte[] b, int i) {
        while (i < b.length && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t')) i++;
        return i;
    }

    /** {@code b[i]} is an opening quote: the position after the closing one. */
    private static int skipString(byte[] b, int i) {
        for (i++; i < b.length; i++) {
            if (b[i] == '\\') i++;
            else if (b[i] == '"') return i + 1;
        }
        throw new IllegalArgumentException("unterminated string");
    }

    /** The position after the JSON value starting at {@code i}. */
    private static int skipValue(byte[] b, int i) {
        if (i >= b.length) throw new IllegalArgumentException("value expected at the end");
        if (b[i] == '"') return skipString(b, i);
        if (b[i] == '{' || b[i] == '[') {
            int depth = 0;
            while (i < b.length) {
                byte c = b[i];
                if (c == '"') {
                    i = skipString(b, i);
                    continue;
                }
                if (c == '{' || c == '[') depth++;
                else if (c == '}' || c == ']') {
                    depth--;
                    if (depth == 0) return i + 1;
                }
                i++;
            }
            throw new IllegalArgumentException("unterminated object or array");
        }
        while (i < b.length && b[i] != ',' && b[i] != '}' && b[i] != ']') i++;
        return i;
    }

    private static void expect(byte[] b, int i, char c, Path file) {
        if (i >= b.length || b[i] != c) {
            throw new IllegalArgumentException(file + ": '" + c + "' expected at byte " + i);
        }
    }
}
