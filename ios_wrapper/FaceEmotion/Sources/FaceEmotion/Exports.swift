// Runtime library of packager (hand-written, not generated), the same for every recipe.
//
// The package's core, re-exported: `import FaceEmotion` brings the wrappers, frames, types and
// recipes of FaceEmotionCore with the pipeline. An `@_exported import` is visible in every file
// of this module, so ModelSession.swift and OnnxRuntimeSupport.swift name no module of their own
// and the same files serve `packager convert` bundles, where they sit in one module with the
// core pieces they use.

@_exported import FaceEmotionCore
