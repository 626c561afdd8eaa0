package androidx.activity.result;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the AndroidX / CameraX signatures.
public abstract class ActivityResultLauncher<I> {
    public ActivityResultLauncher() {}

    public void launch(I input) { throw new RuntimeException("Stub!"); }
    public abstract void unregister();
}
