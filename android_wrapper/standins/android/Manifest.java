package android;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the Android SDK's signatures.
public final class Manifest {
    public static final class permission {
        public static final String CAMERA = "android.permission.CAMERA";
    }
}
