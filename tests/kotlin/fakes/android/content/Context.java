package android.content;

import android.content.res.AssetManager;

// Test double (tests/kotlin/test_kotlin_glue.py; never shipped): runs the Android-only glue on a
// JVM in place of the compile-only stand-in of the same name. Same signatures as the stand-in
// (the glue is compiled against the stand-ins); behaviour scripted by the "model" bytes (JSON)
// and recorded in Fake.log. Assets are the files of the folder in the system property fake.assets.
public abstract class Context {
    public abstract AssetManager getAssets();
}
