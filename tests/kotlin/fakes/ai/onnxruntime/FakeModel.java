package ai.onnxruntime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

// Test double (tests/kotlin/test_kotlin_glue.py; never shipped): the scripted "model" of the fake
// ONNX Runtime. Every output value j (C order) = mean of all input values + j / 1000, in float.
final class FakeModel {
    final Map<String, long[]> inputs = new LinkedHashMap<>();
    final Map<String, long[]> outputs = new LinkedHashMap<>();
    final List<String> fail = new ArrayList<>();
    long sleepMs;
    /** When set, run() throws IllegalArgumentException with it (an unchecked runtime failure, not an OrtException). */
    String runThrows;

    static FakeModel parse(String json) throws OrtException {
        FakeModel m = new FakeModel();
        try {
            shapes(section(json, "inputs"), m.inputs);
            shapes(section(json, "outputs"), m.outputs);
        } catch (RuntimeException e) {
            throw new OrtException("not a model: " + e.getMessage());
        }
        Matcher f = Pattern.compile("\"fail\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(json);
        if (f.find()) for (String s : f.group(1).split(",")) if (!s.isBlank()) m.fail.add(s.trim().replace("\"", ""));
        Matcher s = Pattern.compile("\"sleepMs\"\\s*:\\s*(\\d+)").matcher(json);
        if (s.find()) m.sleepMs = Long.parseLong(s.group(1));
        Matcher t = Pattern.compile("\"runThrows\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (t.find()) m.runThrows = t.group(1);
        return m;
    }

    private static String section(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\"\\s*:\\s*\\{([^}]*)\\}").matcher(json);
        if (!m.find()) throw new IllegalArgumentException("no " + key);
        return m.group(1);
    }

    private static void shapes(String body, Map<String, long[]> out) {
        Matcher m = Pattern.compile("\"([^\"]+)\"\\s*:\\s*\\[([^\\]]*)\\]").matcher(body);
        while (m.find()) {
            String[] dims = m.group(2).split(",");
            long[] shape = new long[dims.length];
            for (int i = 0; i < dims.length; i++) shape[i] = Long.parseLong(dims[i].trim());
            out.put(m.group(1), shape);
        }
    }
}
