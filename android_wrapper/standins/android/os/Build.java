package android.os;

// Compile-only stand-in (packager tests; never shipped), with the Android SDK's signatures.
public class Build {
    public static class VERSION {
        public static final int SDK_INT = sdk();

        private static int sdk() { throw new RuntimeException("Stub!"); }
    }

    public static class VERSION_CODES {
        public static final int O = 26;
        public static final int O_MR1 = 27;
        public static final int Q = 29;
        public static final int VANILLA_ICE_CREAM = 35;
    }
}
