package androidx.activity.result.contract;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the AndroidX / CameraX signatures.
public final class ActivityResultContracts {
    private ActivityResultContracts() {}

    public static final class RequestPermission extends ActivityResultContract<String, Boolean> {
        public RequestPermission() { throw new RuntimeException("Stub!"); }
    }
}
