package io.mithril.lite;

/**
 * The mithril-lite C ABI as JNI calls (native code: tests/jvm/src/main/c/mithril_jni.c), the
 * same calls an Android app's Kotlin makes ({@code @JvmStatic external fun}). See
 * docs/mobile.md for what each call does; this class only moves values across.
 *
 * <p>Handles are {@code long}s (0 is none). Every {@code ...New}, {@link #walkResult},
 * {@link #walkTakeCheck} and {@code verify...} result is owned by the caller and freed once with
 * its {@code ...Free} (or, for a check, by {@link #walkComplete}); after that the {@code long}
 * is dangling and must be forgotten: keep each one in one owner object that frees it once. A
 * handle is used by one thread at a time. A failure throws {@link MithrilException} with the
 * library's code and message.
 *
 * <p>Load the native library first: {@link #load(String)} with a path ({@code System.load}), or
 * on Android {@code System.loadLibrary("mithril_jni")}.
 */
public final class Mithril {
    private Mithril() {}

    /** Loads the JNI library from an absolute path. */
    public static void load(String path) {
        System.load(path);
    }

    // Diagnostics.

    /** The library version ({@code mithril_lite_version}). */
    public static native String version();

    /** The string name of a code ({@code "unknown"} for a number that is no code). */
    public static native String codeName(int code);

    // Verifier.

    /** A verifier for a genesis verification key (JSON-hex or 64 hex characters). */
    public static native long verifierNew(String genesisKey) throws MithrilException;

    /** Frees a verifier; 0 or a handle that is not a live verifier: nothing happens. */
    public static native void verifierFree(long verifier);

    /** Limits of later walks: certificates per walk and bytes per certificate (both at least 1). */
    public static native void verifierSetLimits(long verifier, long maxChainLength, long maxCertificateBytes)
            throws MithrilException;

    /** Trusts every certificate of the chain {@code certificate} was verified with. */
    public static native void verifierTrust(long verifier, long certificate) throws MithrilException;

    /** Number of trusted certificates. */
    public static native long verifierCheckpointCount(long verifier) throws MithrilException;

    /** Number of signer keys in the verifier's key cache. */
    public static native long verifierCachedKeys(long verifier) throws MithrilException;

    /** The trust checkpoints as versioned bytes, for the app's private storage. */
    public static native byte[] verifierExportCheckpoints(long verifier) throws MithrilException;

    /** Adds checkpoints exported earlier (same genesis key); malformed bytes add nothing. */
    public static native void verifierImportCheckpoints(long verifier, byte[] bytes) throws MithrilException;

    /** Forgets every trust checkpoint. */
    public static native void verifierClearCheckpoints(long verifier) throws MithrilException;

    // Walk.

    /** A walk from {@code certificateHash} back to genesis, checks run inside {@link #walkFeed}. */
    public static native long walkNew(long verifier, String certificateHash) throws MithrilException;

    /** A walk in jobs mode: each feed hands out its multi-signature check ({@link #walkTakeCheck}). */
    public static native long walkNewWithJobs(long verifier, String certificateHash) throws MithrilException;

    /** Frees a walk (checks taken from it stay valid). */
    public static native void walkFree(long walk);

    /**
     * The hash of the next certificate to fetch; {@code null} when the verdict is ready
     * ({@link #walkResult}); {@code ""} when a jobs-mode walk waits for a check to be completed.
     */
    public static native String walkNextNeeded(long walk) throws MithrilException;

    /** Feeds the body of the certificate {@link #walkNextNeeded} named. */
    public static native void walkFeed(long walk, byte[] body) throws MithrilException;

    /** Reports that the certificate could not be fetched ({@code detail} goes into the verdict). */
    public static native void walkFetchFailed(long walk, String detail) throws MithrilException;

    /** Certificates fed so far. */
    public static native long walkCertificatesFed(long walk) throws MithrilException;

    /** Checks handed out by a jobs-mode walk and not yet completed. */
    public static native long walkPendingChecks(long walk) throws MithrilException;

    /**
     * The verified starting certificate of a finished walk (a new handle:
     * {@link #certificateFree}); throws the verdict's error otherwise.
     */
    public static native long walkResult(long walk) throws MithrilException;

    // Checks (jobs mode).

    /** The check the last feed handed out, or 0 when there is none. Call after each feed. */
    public static native long walkTakeCheck(long walk) throws MithrilException;

    /** Runs a check, on any thread; its outcome is read by the walk ({@link #walkComplete}). */
    public static native void checkRun(long check) throws MithrilException;

    /** The check's position in its walk (0 = the starting certificate). */
    public static native long checkIndex(long check) throws MithrilException;

    /**
     * Gives a check that has run back to its walk and frees it (forget the {@code long} then);
     * if this throws, the check is still the caller's.
     */
    public static native void walkComplete(long walk, long check) throws MithrilException;

    /** Frees a check that will not be completed. */
    public static native void checkFree(long check);

    // Certificate.

    /** Frees a certificate. */
    public static native void certificateFree(long certificate);

    /** The certificate's hash (hex). */
    public static native String certificateHash(long certificate) throws MithrilException;

    /** The certificate's epoch. */
    public static native long certificateEpoch(long certificate) throws MithrilException;

    /** What the certificate signs, as the aggregator's JSON. */
    public static native String certificateSignedEntityType(long certificate) throws MithrilException;

    /** The certificate and its chain as one JSON object. */
    public static native String certificateJson(long certificate) throws MithrilException;

    // Proofs and artifacts: each returns a result handle ({@link #proofResultFree}).

    /** A v1 transactions proof, for the requested transaction hashes. */
    public static native long verifyTransactionsProofV1(long certificate, byte[] body, String[] hashes)
            throws MithrilException;

    /** A v2 transactions proof, for the requested transaction hashes. */
    public static native long verifyTransactionsProofV2(long certificate, byte[] body, String[] hashes)
            throws MithrilException;

    /** A blocks proof, for the requested block hashes. */
    public static native long verifyBlocksProof(long certificate, byte[] body, String[] hashes)
            throws MithrilException;

    /** A Mithril stake distribution artifact. */
    public static native long verifyMithrilStakeDistribution(long certificate, byte[] body)
            throws MithrilException;

    /** A Cardano stake distribution artifact. */
    public static native long verifyCardanoStakeDistribution(long certificate, byte[] body)
            throws MithrilException;

    /** A Cardano database artifact, with its digests list when the app has it (else null). */
    public static native long verifyCardanoDatabase(long certificate, byte[] body, byte[] digests)
            throws MithrilException;

    // Proof results.

    /** Frees a result. */
    public static native void proofResultFree(long result);

    /** The whole result as JSON. */
    public static native String proofResultJson(long result) throws MithrilException;

    /** Number of requested items the proof certifies. */
    public static native long proofResultCertifiedCount(long result) throws MithrilException;

    /** Certified item {@code index} (request order). */
    public static native String proofResultCertifiedItem(long result, long index) throws MithrilException;

    /** Number of requested items the proof does not certify. */
    public static native long proofResultNonCertifiedCount(long result) throws MithrilException;

    /** Non-certified item {@code index}. */
    public static native String proofResultNonCertifiedItem(long result, long index) throws MithrilException;

    /** The latest block number the certificate covers (transaction and block proofs). */
    public static native long proofResultLatestBlockNumber(long result) throws MithrilException;

    /** The certified block-number offset (v2 transaction and block proofs). */
    public static native long proofResultBlockNumberOffset(long result) throws MithrilException;

    /** The artifact's epoch (stake distributions, Cardano databases). */
    public static native long proofResultEpoch(long result) throws MithrilException;

    /**
     * Check that an artifact result is the artifact asked for: by {@code hash} (null: not asked
     * by hash) and by {@code epoch} when {@code hasEpoch}. Throws with code 410
     * (artifact_not_requested) when the aggregator answered another one.
     */
    public static native void proofResultCheckRequested(long result, String hash, boolean hasEpoch, long epoch)
            throws MithrilException;

    // Networks, limits, progress, what a proof names.

    /**
     * A public network by name (short or Mithril name, case ignored): {@code {name, mithrilName,
     * genesisVerificationKey, aggregator}}, from the library's table.
     */
    public static native String[] networkFind(String name) throws MithrilException;

    /** A verifier for a public network's published genesis key. */
    public static native long verifierNewForNetwork(String name) throws MithrilException;

    /**
     * The library's default limits: {@code {maxChainLength, maxCertificateBytes, pairingBatch,
     * maxSignaturesPerCertificate, maxIndicesPerCertificate, maxIndicesPerSignature,
     * maxCheckpoints}}.
     */
    public static native long[] defaultLimits() throws MithrilException;

    /**
     * A walk's progress, the library's view: {@code {fetched, checked, verified, pendingChecks,
     * currentEpoch, anchorEpoch, anchorVerified (0 or 1), fraction in millionths}}; an epoch or
     * the fraction is -1 while unknown.
     */
    public static native long[] walkProgress(long walk) throws MithrilException;

    /** The certificate a proof or artifact body names (its chain is walked first). */
    public static native String proofCertificateHash(byte[] body) throws MithrilException;
}
