package android.content;

import android.content.res.AssetManager;

// Compile-only stand-in (packager tests; never shipped), with the Android SDK's signatures.
public abstract class Context {
    public abstract AssetManager getAssets();
}
