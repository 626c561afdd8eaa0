// Runtime library of packager (hand-written, not generated), the same for every recipe.
//
// The package's core, re-exported: `import FaceEmotion` brings the wrappers, frames, types and
// recipes of FaceEmotionCore with the pipeline. An `@_exported import` is visible in every file
// of this module, so ModelSession.swift names no module of its own and the same file serves
// `packager convert` bundles, where it sits in one module with the core pieces it uses.

@_exported import FaceEmotionCore
