package androidx.activity.result;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the AndroidX / CameraX signatures.
public interface ActivityResultCallback<O> {
    void onActivityResult(O result);
}
