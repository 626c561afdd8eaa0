// Sample app of packager (hand-written, not generated): a minimal camera app on the
// FaceEmotion package, the same for every bundle. See README.md in this folder.

import SwiftUI

/// The providers the models run on, then one line per face of the latest frame.
struct FaceEmotionView: View {
  @State private var model = FaceEmotionModel()

  var body: some View {
    VStack(alignment: .leading, spacing: 8) {
      Text(model.status)
      ForEach(model.faces.indices, id: \.self) { i in
        let result = model.faces[i]
        Text("\(result.emotion?.topLabel ?? "?") (face \(Int(result.face.score * 100)) %)")
      }
    }
    .task { await model.start() }
    .onDisappear { model.stop() }
  }
}
