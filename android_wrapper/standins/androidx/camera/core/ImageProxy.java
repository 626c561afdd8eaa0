package androidx.camera.core;

import android.graphics.Rect;
import java.nio.ByteBuffer;

// Compile-only stand-in (packager tests; never shipped): androidx.camera:camera-core's
// signatures (getImage() and toBitmap() left out).
public interface ImageProxy extends AutoCloseable {
    @Override
    void close();
    Rect getCropRect();
    void setCropRect(Rect rect);
    int getFormat();
    int getHeight();
    int getWidth();
    PlaneProxy[] getPlanes();
    ImageInfo getImageInfo();

    interface PlaneProxy {
        int getRowStride();
        int getPixelStride();
        ByteBuffer getBuffer();
    }
}
