package ai.onnxruntime;

import java.util.ArrayList;
import java.util.List;

// Test double (tests/kotlin/test_kotlin_glue.py; never shipped): runs the Android-only glue on a
// JVM in place of the compile-only stand-in of the same name. Same signatures as the stand-in
// (the glue is compiled against the stand-ins); behaviour scripted by the "model" bytes (JSON)
// and recorded in Fake.log.
public final class Fake {
    /** Every call the glue made, in order, e.g. "addNnapi [CPU_DISABLED]", "createSession", "closeSession". */
    public static final List<String> log = new ArrayList<>();
    public static int openSessions = 0;
    public static int openOptions = 0;
    public static int openTensors = 0;
    /** One permit per run that has begun (released inside the session's run, so while the glue holds its lock). */
    public static final java.util.concurrent.Semaphore runsStarted = new java.util.concurrent.Semaphore(0);

    private Fake() {}

    static synchronized void record(String s) { log.add(s); }
}
