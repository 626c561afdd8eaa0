package ai.onnxruntime;

import ai.onnxruntime.providers.NNAPIFlags;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

// Test double (tests/kotlin/test_kotlin_glue.py; never shipped): runs the Android-only glue on a
// JVM in place of the compile-only stand-in of the same name. Same signatures as the stand-in;
// like the real session, a call after close() is an IllegalStateException (the real one would
// be a native use-after-free once the handle is freed mid-run), and run() checks it is not
// closed while running.
public class OrtSession implements AutoCloseable {
    private final FakeModel model;
    private final SessionOptions options;
    private volatile boolean closed;
    private volatile boolean running;

    OrtSession(FakeModel model, SessionOptions options) {
        this.model = model;
        this.options = options;
    }

    public Map<String, NodeInfo> getInputInfo() throws OrtException { return info(model.inputs); }
    public Map<String, NodeInfo> getOutputInfo() throws OrtException { return info(model.outputs); }

    private Map<String, NodeInfo> info(Map<String, long[]> shapes) {
        if (closed) throw new IllegalStateException("Asking for inputs from a closed OrtSession.");
        Map<String, NodeInfo> out = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            out.put(e.getKey(), new NodeInfo(e.getKey(), new TensorInfo(e.getValue(), OnnxJavaType.FLOAT)));
        }
        return out;
    }

    public Result run(Map<String, ? extends OnnxTensorLike> inputs) throws OrtException {
        throw new OrtException("the glue runs with pinned outputs");
    }

    public Result run(Map<String, ? extends OnnxTensorLike> inputs, Map<String, ? extends OnnxValue> pinnedOutputs)
            throws OrtException {
        if (closed) throw new IllegalStateException("Trying to score a closed OrtSession.");
        if (model.runThrows != null) throw new IllegalArgumentException(model.runThrows);
        running = true;
        Fake.runsStarted.release();
        try {
            double sum = 0;
            long n = 0;
            for (String name : model.inputs.keySet()) {
                OnnxTensor t = (OnnxTensor) inputs.get(name);
                if (t == null || t.isClosed()) throw new OrtException("input " + name + " missing or closed");
                FloatBuffer b = t.data.duplicate();
                b.rewind();
                while (b.hasRemaining()) { sum += b.get(); n++; }
            }
            float mean = (float) (sum / n);
            if (model.sleepMs > 0) Thread.sleep(model.sleepMs);
            if (closed) throw new IllegalStateException("closed while running: a use-after-free");
            for (String name : model.outputs.keySet()) {
                OnnxTensor t = (OnnxTensor) pinnedOutputs.get(name);
                if (t == null || t.isClosed()) throw new OrtException("pinned output " + name + " missing or closed");
                FloatBuffer b = t.data.duplicate();
                b.rewind();
                for (int j = 0; b.hasRemaining(); j++) b.put(mean + j / 1000f);
            }
            Fake.record("run");
            return new Result();
        } catch (InterruptedException e) {
            throw new OrtException("interrupted");
        } finally {
            running = false;
        }
    }

    @Override
    public void close() throws OrtException {
        if (closed) throw new IllegalStateException("Trying to close an already closed OrtSession.");
        if (running) throw new IllegalStateException("closed while running: a use-after-free");
        closed = true;
        Fake.record("closeSession");
        Fake.openSessions--;
    }

    public static class SessionOptions implements AutoCloseable {
        String provider = "CPU";
        boolean closed;

        public SessionOptions() {
            Fake.openOptions++;
        }

        public void setIntraOpNumThreads(int numThreads) throws OrtException { Fake.record("setIntraOpNumThreads " + numThreads); }
        public void addNnapi(EnumSet<NNAPIFlags> flags) throws OrtException {
            Fake.record("addNnapi " + flags);
            provider = "NNAPI";
        }
        public void addXnnpack(Map<String, String> providerOptions) throws OrtException {
            Fake.record("addXnnpack " + providerOptions);
            provider = "XNNPACK";
        }
        public void addConfigEntry(String configKey, String configValue) throws OrtException {
            Fake.record("addConfigEntry " + configKey + "=" + configValue);
        }
        @Override
        public void close() {
            if (closed) throw new IllegalStateException("options closed twice");
            closed = true;
            Fake.openOptions--;
        }
    }

    /** Owns nothing: the run's outputs are the pinned tensors, which stay open (as in onnxruntime ≥ 1.16). */
    public static class Result implements AutoCloseable, Iterable<Map.Entry<String, OnnxValue>> {
        Result() {}

        public OnnxValue get(int index) { throw new UnsupportedOperationException(); }
        public Optional<OnnxValue> get(String key) { return Optional.empty(); }
        public int size() { return 0; }
        @Override
        public Iterator<Map.Entry<String, OnnxValue>> iterator() { return new ArrayList<Map.Entry<String, OnnxValue>>().iterator(); }
        @Override
        public void close() {}
    }
}
