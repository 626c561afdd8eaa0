"""Mobile artifacts: .ort conversion and verification, provider coverage, graph rewrites,
int8 quantization, manifest, and the atomic bundle build behind ``packager build``."""
