package ai.onnxruntime;

// Test double (tests/kotlin/test_kotlin_glue.py; never shipped): runs the Android-only glue on a
// JVM in place of the compile-only stand-in of the same name. Same signatures as the stand-in
// (the glue is compiled against the stand-ins); behaviour scripted by the "model" bytes (JSON)
// and recorded in Fake.log.
public final class OrtEnvironment implements AutoCloseable {
    private static final OrtEnvironment ENV = new OrtEnvironment();

    OrtEnvironment() {}

    public static OrtEnvironment getEnvironment() { return ENV; }

    /** The model bytes are JSON: {"inputs": {name: shape}, "outputs": {name: shape}, "fail": [provider, ...], "sleepMs": n}. */
    public OrtSession createSession(byte[] modelArray, OrtSession.SessionOptions options) throws OrtException {
        if (options.closed) throw new IllegalStateException("options closed before use");
        FakeModel model = FakeModel.parse(new String(modelArray, java.nio.charset.StandardCharsets.UTF_8));
        String provider = options.provider;
        if (model.fail.contains(provider)) {
            Fake.record("createSession " + provider + " failed");
            throw new OrtException(provider + " cannot take this model");
        }
        Fake.record("createSession " + provider);
        Fake.openSessions++;
        return new OrtSession(model, options);
    }

    @Override
    public void close() {}
}
