package androidx.activity.result;

// Compile-only stand-in (packager tests; never shipped): the members android_wrapper/README.md's
// sample Activity uses, with the AndroidX / CameraX signatures.
public interface ActivityResultCallback<O> {
    void onActivityResult(O result);
}
