// Sample app of packager (hand-written, not generated): a minimal camera app on the
// FaceEmotion package, the same for every bundle. See README.md in this folder.

import SwiftUI

/// The app: one window showing the front camera's faces and emotions.
@main
struct FaceEmotionSampleApp: App {
  var body: some Scene {
    WindowGroup {
      FaceEmotionView()
    }
  }
}
