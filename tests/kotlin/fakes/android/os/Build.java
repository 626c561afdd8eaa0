package android.os;

// Test double (tests/kotlin/test_kotlin_glue.py; never shipped): runs the Android-only glue on a
// JVM in place of the compile-only stand-in of the same name. SDK_INT is the device's API level:
// the system property fake.sdk (34 when unset), and not final, so that a test sets it per scenario
// (the glue reads the field at each use, as the stand-in's value is no compile-time constant).
public class Build {
    public static class VERSION {
        public static int SDK_INT = Integer.getInteger("fake.sdk", 34);
    }

    public static class VERSION_CODES {
        public static final int O = 26;
        public static final int O_MR1 = 27;
        public static final int Q = 29;
        public static final int VANILLA_ICE_CREAM = 35;
    }
}
