#!/usr/bin/env bash
# The Android path on the host: the JNI shim of docs/mobile.md (tests/jvm/src/main/c/mithril_jni.c)
# compiled against the host static library and driven from Java on the host JVM, through the
# same JNI calls an Android app's Kotlin makes (tests/jvm/src/main/java/io/mithril/lite/).
#
#   1. the host static library, as scripts/test-c.sh builds it (same cargo command: a no-op
#      when the c stage built it already); its code must be position-independent (it is linked
#      into a shared library): no absolute 32-bit relocations outside debug sections (x86_64)
#   2. javac (OpenJDK 17+, --release 17 -Xlint:all -Werror) compiles the Java classes and writes the JNI
#      header of io.mithril.lite.Mithril; the shim compiles against that header too (every
#      native method's C signature checked) and defines every native method it declares
#   3. gcc -shared -fPIC -Wall -Wextra -Werror:
#      target/jvm/libmithril_jni.so       the shim alone, as an app ships it (exports only
#                                         Java_* symbols; -z defs: nothing left unresolved)
#      target/jvm/libmithril_jni_test.so  the same + tests/jvm/src/test/c/native_allocations.c,
#                                         linked with --wrap=malloc,... to count the library's
#                                         live heap blocks (the leak check)
#   4. java -Xcheck:jni runs io.mithril.lite.MithrilTest on tests/fixtures/devnet (chain walks
#      inline and in jobs mode on a 4-thread java.util.concurrent pool, broken certificates,
#      misuse, proofs, checkpoints, then everything ITERATIONS more times with the live heap
#      blocks compared); any JNI warning from -Xcheck:jni fails the run
#
# Usage: scripts/test-jvm.sh [--iterations N]    (default 20)
#
# Environment: JAVA_HOME (default: Debian's /usr/lib/jvm/java-17-openjdk-<arch> when present,
# else the JDK of the javac on PATH); CI set -> cargo --locked.
# Needs: scripts/setup.sh --jvm (a JDK: javac, java, jni.h) and --c (gcc).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

LIB=target/release/libmithril_lite.a
OUT=target/jvm
SRC=tests/jvm/src
FIXTURE=tests/fixtures/devnet

say() { printf -- '--- jvm: %s\n' "$*"; }
die() {
    printf 'test-jvm: error: %s\n' "$*" >&2
    exit 1
}

bin="${CARGO_HOME:-$HOME/.cargo}/bin"
case ":$PATH:" in
*":$bin:"*) ;;
*) if [ -d "$bin" ]; then PATH="$bin:$PATH"; fi ;;
esac

iterations=20
while [ $# -gt 0 ]; do
    case "$1" in
    --iterations)
        [ $# -ge 2 ] || die "--iterations needs a number"
        iterations="$2"
        shift 2
        ;;
    -h | --help)
        sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '$d' -e 's/^# \{0,1\}//'
        exit 0
        ;;
    *) die "unknown argument: $1" ;;
    esac
done
case "$iterations" in "" | *[!0-9]*) die "--iterations: not a number: $iterations" ;; esac
[ "$iterations" -ge 8 ] || die "--iterations: at least 8 (the leak check compares the first and last few)"

# The JDK: javac, java and the JNI headers of the same one.
if [ -z "${JAVA_HOME:-}" ]; then
    debian_jdk=""
    for d in /usr/lib/jvm/java-17-openjdk-*; do
        if [ -x "$d/bin/javac" ]; then
            debian_jdk="$d"
            break
        fi
    done
    if [ -n "$debian_jdk" ]; then
        JAVA_HOME="$debian_jdk"
    elif command -v javac >/dev/null 2>&1; then
        JAVA_HOME="$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")"
    else
        die "javac not found (no JDK); run scripts/setup.sh --jvm (Debian: openjdk-17-jdk-headless)"
    fi
fi
JAVAC="$JAVA_HOME/bin/javac"
JAVA="$JAVA_HOME/bin/java"
[ -x "$JAVAC" ] || die "$JAVAC not found (a JRE without the compiler?); run scripts/setup.sh --jvm"
[ -x "$JAVA" ] || die "$JAVA not found; run scripts/setup.sh --jvm"
[ -f "$JAVA_HOME/include/jni.h" ] || die "jni.h not found in $JAVA_HOME/include; run scripts/setup.sh --jvm"
jni_md="$(find "$JAVA_HOME/include" -name jni_md.h -print -quit)"
[ -n "$jni_md" ] || die "jni_md.h not found under $JAVA_HOME/include"
command -v gcc >/dev/null 2>&1 || die "gcc not found; run scripts/setup.sh --c"
JNI_INCLUDES=(-I "$JAVA_HOME/include" -I "$(dirname "$jni_md")")

locked=()
if [ -n "${CI:-}" ]; then locked=(--locked); fi

say "static library (release, feature ffi; as scripts/test-c.sh builds it)"
t0=$SECONDS
# The c stage's exact command: cargo finds it up to date and builds nothing when that stage ran.
cargo rustc "${locked[@]}" --lib --crate-type staticlib --features ffi --release
[ -f "$LIB" ] || die "$LIB was not built"
say "$LIB in $((SECONDS - t0))s"

if [ "$(uname -m)" = x86_64 ] && command -v readelf >/dev/null 2>&1; then
    # Non-PIC code has R_X86_64_32 / 32S relocations in its code or data sections; debug
    # sections have them in PIC builds too.
    absolute="$(readelf -rW "$LIB" 2>/dev/null |
        awk '/^Relocation section/ {sec = $3} $3 ~ /^R_X86_64_32S?$/ && sec !~ /debug/ {n++} END {print n + 0}')"
    [ "$absolute" -eq 0 ] || die "$LIB has $absolute absolute 32-bit relocations outside debug sections: not PIC"
    say "$LIB is position-independent (no absolute relocations outside debug sections)"
fi

rm -rf "$OUT/classes" "$OUT/headers"
mkdir -p "$OUT/classes" "$OUT/headers"

say "javac $("$JAVAC" -version 2>&1 | awk '{print $2}'): main and test classes, JNI header"
mapfile -t sources < <(find "$SRC/main/java" "$SRC/test/java" -name '*.java' | sort)
"$JAVAC" --release 17 -Xlint:all -Werror -d "$OUT/classes" -h "$OUT/headers" "${sources[@]}"

CFLAGS=(-std=c11 -Wall -Wextra -Werror -O2 -g -fPIC -I include "${JNI_INCLUDES[@]}")
LDLIBS=(-lpthread -ldl -lm)

say "the shim against javac's header (every native method's signature)"
# The generated header declares each native method; a definition that does not match it is a
# conflicting-types error.
gcc "${CFLAGS[@]}" -include "$OUT/headers/io_mithril_lite_Mithril.h" -fsyntax-only "$SRC/main/c/mithril_jni.c"

say "gcc -shared: $OUT/libmithril_jni.so (the app's shim) and $OUT/libmithril_jni_test.so"
gcc "${CFLAGS[@]}" -shared "$SRC/main/c/mithril_jni.c" "$LIB" \
    -Wl,--exclude-libs,ALL -Wl,-z,defs "${LDLIBS[@]}" -o "$OUT/libmithril_jni.so"
gcc "${CFLAGS[@]}" -shared "$SRC/main/c/mithril_jni.c" "$SRC/test/c/native_allocations.c" "$LIB" \
    -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=posix_memalign,--wrap=free \
    -Wl,--exclude-libs,ALL -Wl,-z,defs "${LDLIBS[@]}" -o "$OUT/libmithril_jni_test.so"

declared="$(grep -oE 'Java_io_mithril_lite_Mithril_[A-Za-z0-9_]+' "$OUT/headers/io_mithril_lite_Mithril.h" | sort -u)"
exported="$(nm -D --defined-only "$OUT/libmithril_jni.so" | awk '{print $3}' | sort -u)"
missing="$(comm -23 <(echo "$declared") <(echo "$exported"))"
[ -z "$missing" ] || die "native methods of Mithril.java not defined by the shim: $missing"
extra="$(echo "$exported" | grep -v '^Java_io_mithril_lite_Mithril_' || true)"
[ -z "$extra" ] || die "libmithril_jni.so exports more than the native methods: $(echo "$extra" | head -5)"
say "$(echo "$declared" | wc -l) native methods, all defined; libmithril_jni.so exports nothing else ($(du -h "$OUT/libmithril_jni.so" | cut -f1))"

# JDK 22+ warns about System.load (a "restricted method") unless native access is granted.
java_opts=(-Xcheck:jni)
java_major="$("$JAVA" -version 2>&1 | awk -F'"' '/version/ {split($2, v, "."); print v[1]; exit}')"
if [ "${java_major:-0}" -ge 22 ] 2>/dev/null; then java_opts+=(--enable-native-access=ALL-UNNAMED); fi

say "run: java -Xcheck:jni io.mithril.lite.MithrilTest ($iterations leak-check iterations)"
t0=$SECONDS
status=0
"$JAVA" "${java_opts[@]}" -cp "$OUT/classes" io.mithril.lite.MithrilTest "$FIXTURE" "$OUT/libmithril_jni_test.so" \
    --threads 4 --iterations "$iterations" 2>&1 | tee "$OUT/run.log" || status=$?
[ "$status" -eq 0 ] || die "MithrilTest failed (exit $status)"
# -Xcheck:jni reports misuse (an exception left pending across JNI calls, a wrong local
# reference) as warnings, not failures: fail on them here.
if grep -E '^WARNING.*(JNI|native method)|FATAL ERROR in native method' "$OUT/run.log"; then
    die "-Xcheck:jni reported JNI misuse"
fi
say "ran in $((SECONDS - t0))s"
say "ok"
