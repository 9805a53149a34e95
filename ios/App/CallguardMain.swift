// The app: status, settings, history and reports over the one engine, and the background
// refresh that keeps the list current.

import SwiftUI
import UIKit

@main
struct CallguardMain: App {
    @UIApplicationDelegateAdaptor(AppDelegate.self) private var appDelegate
    @StateObject private var model = AppModel()
    @Environment(\.scenePhase) private var scenePhase

    var body: some Scene {
        WindowGroup {
            RootView()
                .environmentObject(model)
        }
        .onChange(of: scenePhase) { phase in
            guard phase == .active else { return }
            model.refresh()
            if model.isStale {
                Task { await model.update() }
            }
        }
    }
}

/// Registers the background task before launch ends, as BGTaskScheduler requires.
final class AppDelegate: NSObject, UIApplicationDelegate {
    func application(
        _ application: UIApplication,
        didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]? = nil
    ) -> Bool {
        BackgroundRefresh.register()
        BackgroundRefresh.schedule()
        return true
    }
}
