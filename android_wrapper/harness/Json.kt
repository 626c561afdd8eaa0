// Hand-written test code (not generated): a minimal JSON reader/writer for the parity harness,
// so that the harness needs nothing but the Kotlin standard library.
package dev.packager.face.harness

/** Parses JSON text into Map / List / Double / String / Boolean / null. */
fun parseJson(text: String): Any? = JsonReader(text).run { value().also { end() } }

private class JsonReader(private val s: String) {
    private var i = 0

    fun end() {
        skip()
        require(i == s.length) { "trailing characters at $i" }
    }

    fun value(): Any? {
        skip()
        require(i < s.length) { "unexpected end of JSON" }
        return when (s[i]) {
            '{' -> obj()
            '[' -> arr()
            '"' -> str()
            't' -> word("true", true)
            'f' -> word("false", false)
            'n' -> word("null", null)
            else -> num()
        }
    }

    private fun skip() {
        while (i < s.length && s[i].isWhitespace()) i++
    }

    private fun expect(c: Char) {
        skip()
        require(i < s.length && s[i] == c) { "expected '$c' at $i" }
        i++
    }

    private fun obj(): Map<String, Any?> {
        val out = LinkedHashMap<String, Any?>()
        expect('{')
        skip()
        if (s[i] == '}') return out.also { i++ }
        while (true) {
            skip()
            val key = str()
            expect(':')
            out[key] = value()
            skip()
            if (s[i++] == '}') return out
        }
    }

    private fun arr(): List<Any?> {
        val out = ArrayList<Any?>()
        expect('[')
        skip()
        if (s[i] == ']') return out.also { i++ }
        while (true) {
            out.add(value())
            skip()
            if (s[i++] == ']') return out
        }
    }

    private fun str(): String {
        expect('"')
        val b = StringBuilder()
        while (s[i] != '"') {
            val c = s[i++]
            if (c != '\\') {
                b.append(c)
                continue
            }
            when (val e = s[i++]) {
                'n' -> b.append('\n')
                't' -> b.append('\t')
                'r' -> b.append('\r')
                'b' -> b.append('\b')
                'f' -> b.append('\u000c')
                'u' -> b.append(s.substring(i, i + 4).toInt(16).toChar()).also { i += 4 }
                else -> b.append(e)
            }
        }
        i++
        return b.toString()
    }

    private fun word(w: String, v: Any?): Any? {
        require(s.startsWith(w, i)) { "bad literal at $i" }
        i += w.length
        return v
    }

    private fun num(): Double {
        val start = i
        while (i < s.length && (s[i].isLetterOrDigit() || s[i] in "+-.")) i++
        return s.substring(start, i).toDouble() // also NaN / Infinity, as Python writes them
    }
}

/** Writes Map / List / Number / String / Boolean / null as JSON (doubles round-trip exactly). */
fun toJson(v: Any?): String = StringBuilder().also { write(it, v) }.toString()

private fun write(b: StringBuilder, v: Any?) {
    when (v) {
        null -> b.append("null")
        is String -> {
            b.append('"')
            for (c in v) {
                when {
                    c == '"' || c == '\\' -> b.append('\\').append(c)
                    c < ' ' -> b.append("\\u%04x".format(c.code))
                    else -> b.append(c)
                }
            }
            b.append('"')
        }
        is Map<*, *> -> {
            b.append('{')
            v.entries.forEachIndexed { n, (k, x) ->
                if (n > 0) b.append(", ")
                write(b, k.toString())
                b.append(": ")
                write(b, x)
            }
            b.append('}')
        }
        is Iterable<*> -> {
            b.append('[')
            v.forEachIndexed { n, x ->
                if (n > 0) b.append(", ")
                write(b, x)
            }
            b.append(']')
        }
        else -> b.append(v.toString()) // numbers (Python's json reads NaN / Infinity too), booleans
    }
}
