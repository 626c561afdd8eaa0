package android.content;

import android.content.res.AssetManager;

// Compile-only stand-in (packager tests; never shipped): the members the sample app
// (android_wrapper/sample/) uses, with the Android SDK's signatures.
public class ContextWrapper extends Context {
    public ContextWrapper(Context base) { throw new RuntimeException("Stub!"); }

    @Override
    public AssetManager getAssets() { throw new RuntimeException("Stub!"); }
}
