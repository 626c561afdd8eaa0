package androidx.activity.result.contract;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the AndroidX / CameraX signatures. (The abstract members, not used, are left out.)
public abstract class ActivityResultContract<I, O> {
    public ActivityResultContract() {}
}
