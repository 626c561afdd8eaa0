// Runtime library of packager (hand-written, not generated): the same for every recipe; see Recipes.kt.
package dev.packager.face

import java.nio.Buffer
import java.nio.ByteBuffer
import java.nio.ByteOrder
import java.nio.FloatBuffer

/**
 * A float32 tensor a model takes or gives: its [name] in the model and its [shape] (every
 * dimension > 0). [ModelSession] checks a model's declared inputs and outputs against these.
 */
data class TensorSpec @Throws(InvalidConfigException::class) constructor(val name: String, val shape: List<Int>) {
    init {
        requireConfig(shape.all { it > 0 }) { "tensor $name: shape $shape has a dimension below 1" }
    }

    /** Number of values: the product of [shape]. */
    val size: Int get() = shape.fold(1) { a, b -> a * b }

    override fun toString(): String = "$name $shape"

    companion object {
        /**
         * Why a model's [declared] tensors (name → shape, -1 or any value < 1 for a dimension the
         * model leaves free; null shape for a tensor that is not float32) do not fit the
         * [expected] ones, or null when they fit: the same names, each float32, with the same rank
         * and every fixed dimension equal. [role] and [model] name the place in the message.
         */
        internal fun mismatch(
            model: String, role: TensorRole, declared: Map<String, List<Long>?>, expected: List<TensorSpec>,
        ): String? {
            val names = expected.map { it.name }
            if (declared.keys != names.toSet()) {
                return "model $model: ${role}s ${declared.keys.toList()}; expected ${names}"
            }
            for (spec in expected) {
                val shape = declared.getValue(spec.name)
                    ?: return "model $model: $role ${spec.name} is not a float32 tensor"
                val fits = shape.size == spec.shape.size &&
                    shape.indices.all { shape[it] < 1 || shape[it] == spec.shape[it].toLong() }
                if (!fits) return "model $model: $role ${spec.name} has shape $shape; expected ${spec.shape}"
            }
            return null
        }
    }
}

/** Whether a [TensorSpec] is a model's input or output (written in lower case in messages). */
internal enum class TensorRole {
    INPUT, OUTPUT;

    override fun toString(): String = name.lowercase()
}

/** A native-order direct buffer of [size] floats: what OnnxTensor.createTensor uses without a copy. */
internal fun directFloats(size: Int): FloatBuffer =
    ByteBuffer.allocateDirect(4 * size).order(ByteOrder.nativeOrder()).asFloatBuffer()

/**
 * [values] into [buffer] (of as many floats), leaving it at position 0. clear() and rewind() are
 * called as java.nio.Buffer's: FloatBuffer's own overrides exist only since Java 9 (Android 14),
 * and code compiled against them fails on older devices.
 */
internal fun putAll(buffer: FloatBuffer, values: FloatArray) {
    val b: Buffer = buffer
    b.clear()
    buffer.put(values)
    b.rewind()
}

/** The remaining [values] into [buffer] (of as many floats), leaving it at position 0; as [putAll] above. */
internal fun putAll(buffer: FloatBuffer, values: FloatBuffer) {
    val b: Buffer = buffer
    b.clear()
    buffer.put(values)
    b.rewind()
}
