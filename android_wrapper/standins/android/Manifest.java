package android;

// Compile-only stand-in (packager tests; never shipped): the members android_wrapper/README.md's
// sample Activity uses, with the Android SDK's signatures.
public final class Manifest {
    public static final class permission {
        public static final String CAMERA = "android.permission.CAMERA";
    }
}
