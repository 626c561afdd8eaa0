package android.util;

// Test double (tests/kotlin/test_kotlin_glue.py; never shipped): runs the Android-only glue on a
// JVM in place of the compile-only stand-in of the same name. Same signatures as the stand-in
// (the glue is compiled against the stand-ins); behaviour scripted by the "model" bytes (JSON)
// and recorded in Fake.log.
public final class Log {
    private Log() {}

    public static int i(String tag, String msg) { return log("I", tag, msg); }
    public static int e(String tag, String msg, Throwable tr) { return log("E", tag, msg); }
    public static int w(String tag, String msg) { return log("W", tag, msg); }
    public static int w(String tag, String msg, Throwable tr) { return log("W", tag, msg); }

    private static int log(String level, String tag, String msg) {
        ai.onnxruntime.Fake.log.add("Log." + level + " " + tag + ": " + msg);
        return 0;
    }
}
