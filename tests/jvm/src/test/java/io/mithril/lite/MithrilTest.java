package io.mithril.lite;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The JNI shim driven from Java as an Android app drives it (scripts/test-jvm.sh). Usage:
 * {@code MithrilTest FIXTURE_DIR JNI_LIBRARY [--threads N] [--iterations N]}.
 *
 * <ol>
 *   <li>walks the devnet chain (FIXTURE_DIR laid out like tests/fixtures/devnet) through the
 *       sans-IO walk, Java doing the "I/O" (a certificate body by hash from certificates.json),
 *       inline and in jobs mode on a {@code java.util.concurrent} thread pool, checks completed
 *       as they finish and in reverse order: the same verdict every way;
 *   <li>broken certificates (a tampered byte, a missing predecessor, garbage) give their code,
 *       name and message through {@link MithrilException}, the same in every mode;
 *   <li>misuse (0 handles, a handle of another type, a freed one, wrong states, negative
 *       limits) gives its code, never a crash;
 *   <li>the transaction proofs (v1 and v2), block proofs and artifacts of the fixture verify
 *       against the certificate each names, walked first; tampered ones are refused;
 *   <li>trust checkpoints round-trip through byte[];
 *   <li>nothing leaks: the library's live heap blocks (counted by the test build, see
 *       {@link NativeAllocations}) do not grow over many iterations of all of the above, and
 *       the counter is shown to see handles that are not freed.
 * </ol>
 *
 * Exit status 0 when every check passed, 1 otherwise.
 */
public final class MithrilTest {
    private static int checks = 0;
    private static int failures = 0;
    private static boolean quiet = false;

    private static Path dir;
    private static String genesisKey;
    private static Map<String, byte[]> certificates;
    private static String latest;
    private static ExecutorService pool;
    private static final AtomicInteger checkRunErrors = new AtomicInteger();
    private static int checksRun = 0;

    private MithrilTest() {}

    // ---- reporting ------------------------------------------------------------------------

    private static void check(boolean ok, String what) {
        checks++;
        if (!ok) {
            failures++;
            System.out.println("  FAIL " + what);
        }
    }

    private static void ok(String line) {
        if (!quiet) System.out.println("  ok   " + line);
    }

    /** A call expected to fail with {@code code}. */
    private interface Call {
        void run() throws Exception;
    }

    private static MithrilException expectCode(int code, String what, Call call) {
        try {
            call.run();
            check(false, what + ": expected " + Mithril.codeName(code) + " (" + code + "), the call succeeded");
        } catch (MithrilException e) {
            boolean same = e.code() == code && e.name().equals(Mithril.codeName(code));
            check(same, what + ": expected " + Mithril.codeName(code) + " (" + code + "), got " + e.getMessage());
            check(!e.detail().isEmpty(), what + ": the exception carries a message");
            if (same) ok(String.format("%-42s -> %s", what, shorten(e.getMessage())));
            return e;
        } catch (Exception e) {
            check(false, what + ": expected a MithrilException, got " + e);
        }
        return null;
    }

    private static String shorten(String s) {
        return s.length() > 110 ? s.substring(0, 107) + "..." : s;
    }

    // ---- the app's fetch, with a tampered fetch --------------------------------------------

    /** Replaces fetch number {@code at} (0 = the starting certificate): a body, or a failed fetch. */
    private static final class Tamper {
        final int at;
        final byte[] body; // null: the fetch fails

        Tamper(int at, byte[] body) {
            this.at = at;
            this.body = body;
        }
    }

    private static void fetchAndFeed(long walk, int fetch, String hash, Tamper t) throws MithrilException {
        if (t != null && t.at == fetch) {
            if (t.body != null) Mithril.walkFeed(walk, t.body);
            else Mithril.walkFetchFailed(walk, "HTTP 404 (simulated)");
            return;
        }
        byte[] body = certificates.get(hash);
        if (body != null) Mithril.walkFeed(walk, body);
        else Mithril.walkFetchFailed(walk, "not in certificates.json");
    }

    // ---- walk drivers ------------------------------------------------------------------------

    enum Mode {
        INLINE("inline"),
        AS_FINISHED("jobs, completed as finished"),
        REVERSE("jobs, completed in reverse");

        final String label;

        Mode(String label) {
            this.label = label;
        }
    }

    /** Walks {@code hash} back to genesis; the verified certificate (a handle) or the verdict thrown. */
    static long walk(long verifier, String hash, Mode mode, Tamper t) throws Exception {
        return mode == Mode.INLINE ? walkInline(verifier, hash, t) : walkJobs(verifier, hash, mode, t);
    }

    private static long walkInline(long verifier, String hash, Tamper t) throws MithrilException {
        long walk = Mithril.walkNew(verifier, hash);
        try {
            int fetch = 0;
            String needed;
            while ((needed = Mithril.walkNextNeeded(walk)) != null) {
                fetchAndFeed(walk, fetch++, needed, t);
            }
            return Mithril.walkResult(walk);
        } finally {
            Mithril.walkFree(walk);
        }
    }

    /**
     * Jobs mode: this thread owns the walk (feeds, takes, completes, reads it); the pool's
     * threads only run checks. A check goes to a worker and comes back through the
     * CompletionService's queue: that is the hand-over the C ABI asks the host for.
     */
    private static long walkJobs(long verifier, String hash, Mode mode, Tamper t) throws Exception {
        CompletionService<Long> finished = new ExecutorCompletionService<>(pool);
        int out = 0; // submitted, not yet taken back from `finished`
        List<Long> held = new ArrayList<>(); // run, not yet completed (reverse order)
        long walk = Mithril.walkNewWithJobs(verifier, hash);
        try {
            int fetch = 0;
            while (true) {
                java.util.concurrent.Future<Long> f;
                while ((f = finished.poll()) != null) {
                    out--;
                    if (mode == Mode.AS_FINISHED) complete(walk, f.get());
                    else held.add(f.get());
                }
                String needed = Mithril.walkNextNeeded(walk);
                if (needed == null) break;
                if (needed.isEmpty()) { // AWAIT_CHECKS
                    if (mode == Mode.AS_FINISHED) {
                        out--;
                        complete(walk, finished.take().get());
                    } else {
                        // Everything handed out so far, completed newest first.
                        for (; out > 0; out--) held.add(finished.take().get());
                        held.sort(Comparator.<Long>comparingLong(MithrilTest::checkIndexOf).reversed());
                        while (!held.isEmpty()) complete(walk, held.remove(0));
                    }
                    continue;
                }
                fetchAndFeed(walk, fetch++, needed, t);
                long c;
                while ((c = Mithril.walkTakeCheck(walk)) != 0) {
                    final long check = c;
                    finished.submit(() -> {
                        try {
                            Mithril.checkRun(check);
                        } catch (MithrilException e) {
                            checkRunErrors.incrementAndGet();
                        }
                        return check; // back to the walk's thread whatever happened
                    });
                    out++;
                    checksRun++;
                }
            }
            return Mithril.walkResult(walk);
        } finally {
            // Checks still out no longer matter once the walk is done (or failed): free them.
            for (; out > 0; out--) held.add(finished.take().get());
            for (long c : held) Mithril.checkFree(c);
            Mithril.walkFree(walk);
        }
    }

    private static long checkIndexOf(long check) {
        try {
            return Mithril.checkIndex(check);
        } catch (MithrilException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Completes a check; if the walk refuses it, it is still ours: free it, then report. */
    private static void complete(long walk, long check) throws MithrilException {
        try {
            Mithril.walkComplete(walk, check);
        } catch (MithrilException e) {
            Mithril.checkFree(check);
            throw e;
        }
    }

    /** The verdict as text: "ok <hash>" or the error's name and code. */
    private static String verdict(long verifier, String hash, Mode mode, Tamper t) throws Exception {
        long cert = 0;
        try {
            cert = walk(verifier, hash, mode, t);
            return "ok " + Mithril.certificateHash(cert);
        } catch (MithrilException e) {
            return e.name() + " (" + e.code() + ")";
        } finally {
            Mithril.certificateFree(cert);
        }
    }

    // ---- 1. the chain, every mode --------------------------------------------------------------

    private static void testChain(long verifier) throws Exception {
        for (Mode mode : Mode.values()) {
            long cert = 0;
            try {
                cert = walk(verifier, latest, mode, null);
                String hash = Mithril.certificateHash(cert);
                long epoch = Mithril.certificateEpoch(cert);
                String entity = Mithril.certificateSignedEntityType(cert);
                String json = Mithril.certificateJson(cert);
                check(hash.equals(latest), mode.label + ": the verified certificate is the latest");
                check(json.contains("\"kind\":\"genesis\""), mode.label + ": the chain is anchored at genesis");
                java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"certificates_checked\":(\\d+)").matcher(json);
                String checked = m.find() ? m.group(1) : "0";
                check(Integer.parseInt(checked) > 1, mode.label + ": the walk checked the chain");
                ok(String.format("devnet chain, %s: %s... (epoch %d, %s), %s certificates checked", mode.label,
                        hash.substring(0, 16), epoch, entity, checked));
            } catch (MithrilException e) {
                check(false, mode.label + ": the devnet chain verifies: " + e.getMessage());
            } finally {
                Mithril.certificateFree(cert);
            }
        }
    }

    // ---- 2. broken certificates ----------------------------------------------------------------

    private static void testBroken(long verifier) throws Exception {
        byte[] first = certificates.get(latest);
        byte[] predecessor = certificates.get(Fixture.stringField(first, "previous_hash"));
        byte[] flipped = first.clone();
        // One byte of the signed message's hex, changed: the body no longer hashes to its hash.
        int at = indexOf(flipped, "\"signed_message\"") + "\"signed_message\": \"".length() + 3;
        flipped[at] = (byte) (flipped[at] == 'a' ? 'b' : 'a');
        Object[][] cases = {
            {"a tampered byte (signed_message)", new Tamper(0, flipped), 301},
            {"a tampered epoch", new Tamper(0, Fixture.bumpNumber(first, "epoch")), 301},
            // The verdict is the reference verifier's first error: it checks the latest
            // certificate's link to the predecessor it fetched (the aggregate key that
            // predecessor certifies) before it hashes the predecessor itself.
            {"a tampered predecessor", new Tamper(1, Fixture.bumpNumber(predecessor, "epoch")), 307},
            {"a predecessor that cannot be fetched", new Tamper(1, null), 106},
            {"garbage bytes", new Tamper(0, "\u0001 not JSON".getBytes(StandardCharsets.UTF_8)), 103},
            {"another certificate first", new Tamper(0, predecessor), 105},
        };
        for (Object[] c : cases) {
            String what = (String) c[0];
            Tamper t = (Tamper) c[1];
            int code = (Integer) c[2];
            MithrilException e = expectCode(code, what + " (inline)", () -> {
                long cert = walk(verifier, latest, Mode.INLINE, t);
                Mithril.certificateFree(cert);
            });
            if (e != null && code == 106) {
                check(e.detail().contains("HTTP 404 (simulated)"), "the fetch failure's detail is in the message");
            }
            if (e != null && code != 106) {
                check(e.detail().contains(latest), what + ": the message names the certificate");
            }
            String inline = verdict(verifier, latest, Mode.INLINE, t);
            for (Mode mode : new Mode[] {Mode.AS_FINISHED, Mode.REVERSE}) {
                String jobs = verdict(verifier, latest, mode, t);
                check(jobs.equals(inline), what + ": " + mode.label + " gives " + jobs + ", inline " + inline);
            }
        }
    }

    private static int indexOf(byte[] haystack, String needle) {
        byte[] n = needle.getBytes(StandardCharsets.UTF_8);
        outer:
        for (int i = 0; i + n.length <= haystack.length; i++) {
            for (int j = 0; j < n.length; j++) if (haystack[i + j] != n[j]) continue outer;
            return i;
        }
        throw new IllegalArgumentException(needle + " not found");
    }

    // ---- 3. misuse -------------------------------------------------------------------------------

    private static void testMisuse(long verifier) throws Exception {
        expectCode(10, "verifierNew(null)", () -> Mithril.verifierNew(null));
        expectCode(104, "a bad genesis key", () -> Mithril.verifierNew("not a key"));
        expectCode(10, "walkNew(0, hash)", () -> Mithril.walkNew(0, latest));
        expectCode(10, "walkNew(verifier, null)", () -> Mithril.walkNew(verifier, null));
        expectCode(10, "walkNextNeeded(0)", () -> Mithril.walkNextNeeded(0));
        expectCode(10, "certificateJson(0)", () -> Mithril.certificateJson(0));
        expectCode(15, "a negative limit", () -> Mithril.verifierSetLimits(verifier, -1, 1));
        expectCode(15, "a zero limit", () -> Mithril.verifierSetLimits(verifier, 0, 1));

        long walk = Mithril.walkNew(verifier, latest);
        long jobs = Mithril.walkNewWithJobs(verifier, latest);
        long other = Mithril.walkNewWithJobs(verifier, latest);
        long check = 0;
        try {
            expectCode(11, "a verifier passed as a walk", () -> Mithril.walkNextNeeded(verifier));
            expectCode(11, "a walk passed as a certificate", () -> Mithril.certificateJson(walk));
            expectCode(11, "a walk passed as a check", () -> Mithril.checkRun(walk));
            expectCode(11, "a walk passed as a verifier", () -> Mithril.walkNew(walk, latest));
            expectCode(14, "walkResult before the walk is done", () -> Mithril.walkResult(walk));
            expectCode(14, "walkTakeCheck on an inline walk", () -> Mithril.walkTakeCheck(walk));
            expectCode(10, "walkFeed(walk, null)", () -> Mithril.walkFeed(walk, null));

            String needed = Mithril.walkNextNeeded(jobs);
            Mithril.walkFeed(jobs, certificates.get(needed));
            check = Mithril.walkTakeCheck(jobs);
            check(check != 0, "a jobs-mode feed hands out a check");
            final long k = check;
            check(Mithril.walkPendingChecks(jobs) == 1, "one check pending");
            expectCode(14, "completing a check not run yet", () -> Mithril.walkComplete(jobs, k));
            Mithril.checkRun(check);
            expectCode(14, "running a check twice", () -> Mithril.checkRun(k));
            expectCode(15, "completing into another walk", () -> Mithril.walkComplete(other, k));
            Mithril.walkComplete(jobs, check);
            check = 0;
            check(Mithril.walkPendingChecks(jobs) == 0, "the completed check is no longer pending");

            // A garbage first certificate ends the walk; then its state is "done".
            Mithril.walkFeed(walk, "{".getBytes(StandardCharsets.UTF_8));
            check(Mithril.walkNextNeeded(walk) == null, "a malformed first certificate ends the walk");
            expectCode(14, "walkFeed after the walk is done", () -> Mithril.walkFeed(walk, new byte[] {'{'}));
            expectCode(103, "the verdict, read once", () -> Mithril.walkResult(walk));
            expectCode(103, "the verdict, read twice", () -> Mithril.walkResult(walk));
        } finally {
            Mithril.checkFree(check);
            Mithril.walkFree(walk);
            Mithril.walkFree(jobs);
            Mithril.walkFree(other);
        }
        // After a free: the library recognises a freed handle by its cleared tag while the
        // memory is not reused (best effort, docs/mobile.md); nothing allocates on this thread
        // between the free and the call (walkNextNeeded's buffer is on the stack).
        long freed = Mithril.walkNew(verifier, latest);
        Mithril.walkFree(freed);
        expectCode(11, "a walk used after its free", () -> Mithril.walkNextNeeded(freed));
        Mithril.walkFree(freed); // a second free of the same long: left alone, no crash
        long v = Mithril.verifierNew(genesisKey);
        Mithril.verifierFree(v);
        expectCode(11, "a verifier used after its free", () -> Mithril.verifierCheckpointCount(v));
    }

    // ---- 4. proofs and artifacts -----------------------------------------------------------------

    private enum Kind {
        TX_V1("ctx-proofs.json", 4),
        TX_V2("ctx-proofs-v2.json", 4),
        BLOCKS("cblk-proofs.json", 20),
        MSD("mithril-stake-distributions.json", 9),
        CSD("cardano-stake-distributions.json", 9),
        DB("cardano-databases.json", 11);

        final String file;
        final int expected;

        Kind(String file, int expected) {
            this.file = file;
            this.expected = expected;
        }
    }

    private static long verify(Kind kind, long cert, byte[] body, String id) throws MithrilException {
        String[] ids = {id};
        switch (kind) {
            case TX_V1:
                return Mithril.verifyTransactionsProofV1(cert, body, ids);
            case TX_V2:
                return Mithril.verifyTransactionsProofV2(cert, body, ids);
            case BLOCKS:
                return Mithril.verifyBlocksProof(cert, body, ids);
            case MSD:
                return Mithril.verifyMithrilStakeDistribution(cert, body);
            case CSD:
                return Mithril.verifyCardanoStakeDistribution(cert, body);
            default:
                return Mithril.verifyCardanoDatabase(cert, body, null);
        }
    }

    private static void testProofs(long verifier) throws Exception {
        // Verified certificates by hash; each walk trusts its chain so later walks are short.
        Map<String, Long> walked = new HashMap<>();
        try {
            for (Kind kind : Kind.values()) {
                Map<String, byte[]> bodies = Fixture.map(dir.resolve(kind.file));
                int valid = 0;
                boolean first = true;
                for (Map.Entry<String, byte[]> e : bodies.entrySet()) {
                    String id = e.getKey();
                    byte[] body = e.getValue();
                    // The certificate the body names, as the library reads it.
                    String named = Mithril.proofCertificateHash(body);
                    check(named.equals(Fixture.stringField(body, "certificate_hash")),
                            kind.file + " " + id + ": proofCertificateHash is the body's certificate_hash");
                    long cert = certificateFor(verifier, walked, named);
                    if (cert == 0) continue;
                    long result = 0;
                    try {
                        result = verify(kind, cert, body, id);
                        boolean items = kind == Kind.TX_V1 || kind == Kind.TX_V2 || kind == Kind.BLOCKS;
                        if (items) {
                            check(Mithril.proofResultCertifiedCount(result) == 1
                                            && Mithril.proofResultCertifiedItem(result, 0).equals(id)
                                            && Mithril.proofResultNonCertifiedCount(result) == 0,
                                    kind.file + " " + id + ": the requested item is certified");
                            long latestBlock = Mithril.proofResultLatestBlockNumber(result);
                            check(latestBlock > 0, "a latest block number");
                            final long r = result;
                            if (kind == Kind.TX_V1) {
                                expectQuiet(16, "v1 has no block-number offset",
                                        () -> Mithril.proofResultBlockNumberOffset(r));
                            } else {
                                Mithril.proofResultBlockNumberOffset(result);
                            }
                        } else {
                            long epoch = Mithril.proofResultEpoch(result);
                            final long r = result;
                            // The artifact asked for: its own hash and epoch pass, others do not.
                            Mithril.proofResultCheckRequested(result, id, true, epoch);
                            Mithril.proofResultCheckRequested(result, null, false, 0);
                            String other = (id.charAt(0) == '0' ? "1" : "0") + id.substring(1);
                            expectQuiet(410, kind.file + " " + id + ": another hash",
                                    () -> Mithril.proofResultCheckRequested(r, other, false, 0));
                            expectQuiet(410, kind.file + " " + id + ": another epoch",
                                    () -> Mithril.proofResultCheckRequested(r, null, true, epoch + 1));
                        }
                        check(Mithril.proofResultJson(result).startsWith("{\"kind\":")
                                        || Mithril.proofResultJson(result).contains("\"kind\":"),
                                "the result JSON has its kind");
                        valid++;
                    } catch (MithrilException ex) {
                        check(false, kind.file + " " + id + ": " + ex.getMessage());
                    } finally {
                        Mithril.proofResultFree(result);
                    }
                    if (!first) continue;
                    first = false;
                    // Tampering with the first body of each kind.
                    String key = kind == Kind.MSD ? "stake"
                            : kind == Kind.CSD ? "epoch"
                            : kind == Kind.DB ? "immutable_file_number" : "latest_block_number";
                    int want = kind == Kind.MSD || kind == Kind.CSD || kind == Kind.DB ? 409 : 406;
                    byte[] bad = Fixture.bumpNumber(body, key);
                    expectCode(want, kind.file + ": " + key + " + 1", () -> free(verify(kind, cert, bad, id)));
                    byte[] cut = Arrays.copyOf(body, body.length / 2);
                    expectCode(400, kind.file + ": a truncated body", () -> free(verify(kind, cert, cut, id)));
                }
                ok(String.format("%-34s %d/%d valid", kind.file, valid, bodies.size()));
                check(valid == bodies.size() && valid == kind.expected, kind.file + ": every body verifies");
            }

            // A transaction the proof does not cover, and a proof checked against another certificate.
            Map.Entry<String, byte[]> e = Fixture.map(dir.resolve(Kind.TX_V2.file)).entrySet().iterator().next();
            String own = Fixture.stringField(e.getValue(), "certificate_hash");
            long cert = certificateFor(verifier, walked, own);
            String unproven = "00000000000000000000000000000000000000000000000000000000000000ff";
            long result = Mithril.verifyTransactionsProofV2(cert, e.getValue(), new String[] {e.getKey(), unproven});
            try {
                check(Mithril.proofResultCertifiedCount(result) == 1
                                && Mithril.proofResultNonCertifiedCount(result) == 1
                                && Mithril.proofResultNonCertifiedItem(result, 0).equals(unproven),
                        "an unproven transaction is listed as not certified");
                ok("a transaction the proof does not cover is listed as not certified");
                final long r = result;
                expectCode(15, "an item index past the end", () -> Mithril.proofResultCertifiedItem(r, 1));
                expectCode(15, "a negative item index", () -> Mithril.proofResultCertifiedItem(r, -1));
            } finally {
                Mithril.proofResultFree(result);
            }
            long wrong = walked.entrySet().stream().filter(w -> !w.getKey().equals(own)).findFirst()
                    .map(Map.Entry::getValue).orElse(0L);
            check(wrong != 0, "another certificate was walked");
            expectCode(405, "a proof for another certificate",
                    () -> free(Mithril.verifyTransactionsProofV2(wrong, e.getValue(), new String[] {e.getKey()})));
            expectCode(10, "a null transaction hash",
                    () -> free(Mithril.verifyTransactionsProofV2(cert, e.getValue(), new String[] {null})));
            expectCode(10, "a null proof body",
                    () -> free(Mithril.verifyTransactionsProofV2(cert, null, new String[] {e.getKey()})));
        } finally {
            for (long c : walked.values()) Mithril.certificateFree(c);
        }
    }

    private static void free(long result) {
        Mithril.proofResultFree(result);
    }

    private static void expectQuiet(int code, String what, Call call) {
        boolean was = quiet;
        quiet = true;
        expectCode(code, what, call);
        quiet = was;
    }

    private static long certificateFor(long verifier, Map<String, Long> walked, String hash) throws Exception {
        Long known = walked.get(hash);
        if (known != null) return known;
        try {
            long cert = walk(verifier, hash, walked.size() % 2 == 0 ? Mode.INLINE : Mode.AS_FINISHED, null);
            walked.put(hash, cert);
            Mithril.verifierTrust(verifier, cert); // later walks stop at this chain
            return cert;
        } catch (MithrilException e) {
            check(false, "the certificate " + hash + " verifies: " + e.getMessage());
            return 0;
        }
    }

    // ---- 5. trust checkpoints ----------------------------------------------------------------------

    private static void testCheckpoints(long verifier) throws Exception {
        long cert = walk(verifier, latest, Mode.INLINE, null);
        long fresh = Mithril.verifierNew(genesisKey);
        try {
            Mithril.verifierTrust(verifier, cert);
            long count = Mithril.verifierCheckpointCount(verifier);
            byte[] bytes = Mithril.verifierExportCheckpoints(verifier);
            check(bytes.length == 41 + 40 * count + 32 && bytes[0] == 'M' && bytes[4] == 2,
                    "checkpoints: header, 40 bytes per certificate, checksum");
            byte[] cut = Arrays.copyOf(bytes, bytes.length - 1);
            expectCode(500, "import truncated checkpoints", () -> Mithril.verifierImportCheckpoints(fresh, cut));
            expectCode(10, "import null checkpoints", () -> Mithril.verifierImportCheckpoints(fresh, null));
            Mithril.verifierImportCheckpoints(fresh, bytes);
            check(Mithril.verifierCheckpointCount(fresh) == count, "import restores every checkpoint");
            long again = walk(fresh, latest, Mode.AS_FINISHED, null);
            try {
                String json = Mithril.certificateJson(again);
                check(json.contains("\"kind\":\"trusted\"") && json.contains("\"certificates_checked\":1"),
                        "a walk stops at an imported checkpoint");
            } finally {
                Mithril.certificateFree(again);
            }
            ok(String.format("trusted %d certificates, %d bytes of checkpoints, imported into a fresh verifier",
                    count, bytes.length));
            Mithril.verifierClearCheckpoints(verifier);
        } finally {
            Mithril.certificateFree(cert);
            Mithril.verifierFree(fresh);
        }
    }

    // ---- everything, once -------------------------------------------------------------------------

    private static void runAll() throws Exception {
        long verifier = Mithril.verifierNew(genesisKey);
        try {
            if (!quiet) System.out.println("== the devnet chain, inline and in jobs mode");
            testChain(verifier);
            if (!quiet) System.out.println("== broken certificates: code, name and message through the exception");
            testBroken(verifier);
            if (!quiet) System.out.println("== misuse gives codes");
            testMisuse(verifier);
            if (!quiet) System.out.println("== transaction and block proofs, artifacts");
            testProofs(verifier);
            if (!quiet) System.out.println("== trust checkpoints");
            testCheckpoints(verifier);
            if (!quiet) System.out.println("== networks, limits and a walk's progress");
            testNetworksAndProgress(verifier);
        } finally {
            Mithril.verifierFree(verifier);
        }
    }

    // ---- 5b. networks, limits, progress --------------------------------------------------------

    private static void testNetworksAndProgress(long verifier) throws Exception {
        Map<String, byte[]> networks = Fixture.map(dir.resolve("../networks.json"));
        String[] mainnet = Mithril.networkFind("MAINNET");
        String published = Fixture.stringField(networks.get("release-mainnet"), "genesis_vkey_raw_hex");
        check(mainnet.length == 4 && mainnet[0].equals("mainnet") && mainnet[1].equals("release-mainnet")
                && mainnet[2].equals(published) && mainnet[3].startsWith("https://"),
                "networkFind: mainnet's published key");
        ok("networkFind(\"MAINNET\"): " + mainnet[1] + ", key " + mainnet[2].substring(0, 16) + "...");
        expectCode(15, "an unknown network", () -> Mithril.networkFind("testnet"));
        long preset = Mithril.verifierNewForNetwork("preprod");
        try {
            expectCode(303, "the devnet chain under preprod's key", () -> Mithril.certificateFree(walk(preset, latest, Mode.INLINE, null)));
        } finally {
            Mithril.verifierFree(preset);
        }

        long[] limits = Mithril.defaultLimits();
        check(limits.length == 7 && limits[0] == 10_000 && limits[1] == 8L * 1024 * 1024 && limits[6] == 1_000,
                "defaultLimits: the core's defaults");
        ok(String.format("defaultLimits: chain %d, certificate %d bytes, checkpoints %d", limits[0], limits[1], limits[6]));

        // A fresh verifier (no checkpoints): the walk goes to genesis; progress counts as it goes.
        long fresh = Mithril.verifierNew(genesisKey);
        long walk = Mithril.walkNew(fresh, latest);
        try {
            long[] before = Mithril.walkProgress(walk);
            check(before[0] == 0 && before[2] == 0 && before[4] == -1 && before[7] == -1, "progress: nothing before the first feed");
            String needed;
            int fed = 0;
            while ((needed = Mithril.walkNextNeeded(walk)) != null) {
                Mithril.walkFeed(walk, certificates.get(needed));
                fed++;
                long[] p = Mithril.walkProgress(walk);
                check(p[0] == fed && p[2] <= p[1] && p[1] <= p[0], "progress: fetched >= checked >= verified");
            }
            long[] done = Mithril.walkProgress(walk);
            check(done[0] == fed && done[2] == fed && done[6] == 1 && done[7] == 1_000_000,
                    "progress: every certificate verified, the anchor reached");
            ok(String.format("walkProgress: %d fetched, %d verified, anchor epoch %d, fraction %d/1e6", done[0], done[2], done[5], done[7]));
            Mithril.certificateFree(Mithril.walkResult(walk));
        } finally {
            Mithril.walkFree(walk);
            Mithril.verifierFree(fresh);
        }
    }

    // ---- 6. leaks -----------------------------------------------------------------------------------

    private static void testLeaks(int iterations) throws Exception {
        quiet = true;
        int before = failures;
        runAll(); // warm: blst's worker pool, each pool thread's thread-locals, the last-error slots
        long[] live = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            runAll();
            live[i] = NativeAllocations.live();
        }
        quiet = false;
        check(failures == before, "every iteration passed");
        // A block kept per iteration makes every later count higher by one per iteration. The
        // count also moves by a few blocks that come and go (blst's worker threads drop their
        // jobs after the call that used them returned): the lowest count of the first and of the
        // last iterations are compared, which a leak of one block per iteration raises by at
        // least the iterations between them.
        int window = Math.min(5, iterations / 4);
        long first = Arrays.stream(live, 0, window).min().getAsLong();
        long last = Arrays.stream(live, iterations - window, iterations).min().getAsLong();
        long span = iterations - window;
        check(last - first < span, "live heap blocks grew by " + (last - first) + " over " + span + " iterations");
        ok(String.format("%d more iterations of everything above: live heap blocks %s", iterations,
                Arrays.toString(live)));

        // The counter sees what is not freed: keep `iterations` results, then free them.
        Map.Entry<String, byte[]> e = Fixture.map(dir.resolve(Kind.TX_V2.file)).entrySet().iterator().next();
        long verifier = Mithril.verifierNew(genesisKey);
        long cert = walk(verifier, Fixture.stringField(e.getValue(), "certificate_hash"), Mode.INLINE, null);
        long[] kept = new long[iterations];
        long base = NativeAllocations.live();
        for (int i = 0; i < iterations; i++) {
            kept[i] = Mithril.verifyTransactionsProofV2(cert, e.getValue(), new String[] {e.getKey()});
        }
        long held = NativeAllocations.live();
        for (long r : kept) Mithril.proofResultFree(r);
        long freed = NativeAllocations.live();
        Mithril.certificateFree(cert);
        Mithril.verifierFree(verifier);
        check(held - base >= iterations, "the counter sees results not freed: +" + (held - base));
        // Fewer than one block per result left (blocks that come and go, as above, aside).
        check(freed - base < iterations, "freeing them gives their blocks back: " + base + " -> " + held + " -> " + freed);
        ok(String.format("%d results kept: live heap blocks %d -> %d, freed: %d", iterations, base, held, freed));
    }

    // ---- main -----------------------------------------------------------------------------------------

    public static void main(String[] args) throws Exception {
        int threads = 4;
        int iterations = 20;
        if (args.length < 2) {
            System.err.println("usage: MithrilTest FIXTURE_DIR JNI_LIBRARY [--threads N] [--iterations N]");
            System.exit(2);
        }
        for (int i = 2; i + 1 < args.length; i += 2) {
            if (args[i].equals("--threads")) threads = Integer.parseInt(args[i + 1]);
            else if (args[i].equals("--iterations")) iterations = Integer.parseInt(args[i + 1]);
            else {
                System.err.println("unknown argument: " + args[i]);
                System.exit(2);
            }
        }
        if (iterations < 8) {
            System.err.println("--iterations: at least 8 (the leak check compares the first and last few)");
            System.exit(2);
        }
        dir = Path.of(args[0]);
        Mithril.load(Path.of(args[1]).toAbsolutePath().toString());
        System.out.println("mithril-lite " + Mithril.version() + " through JNI on " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.version") + "; jobs mode on a pool of " + threads + " threads");
        check(Mithril.codeName(307).equals("chain_avk_mismatch") && Mithril.codeName(12345).equals("unknown"),
                "code names are the library's");

        genesisKey = new String(Files.readAllBytes(dir.resolve("genesis.vkey")), StandardCharsets.UTF_8).trim();
        certificates = Fixture.map(dir.resolve("certificates.json"));
        // The aggregator's list is newest first: its first "hash" is the latest certificate.
        latest = Fixture.stringField(Files.readAllBytes(dir.resolve("certificates-list.json")), "hash");
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "mithril-check");
            t.setDaemon(true);
            return t;
        });
        try {
            runAll();
            System.out.println("== leaks: everything again, " + iterations + " times");
            testLeaks(iterations);
        } finally {
            pool.shutdown();
        }
        check(checkRunErrors.get() == 0, "every check ran");
        System.out.printf("  %d signature checks run on the pool%n", checksRun);
        System.out.printf("%d checks, %d failed%n", checks, failures);
        System.exit(failures == 0 ? 0 : 1);
    }
}
