// Is protection working? Each extension's state, how fresh the list is, how many numbers
// iOS holds and how many the cap left out, and the one action that fixes the worst problem.

import SwiftUI
import UIKit
import Callguard

struct StatusView: View {
    @EnvironmentObject private var model: AppModel
    @State private var showCap = false

    var body: some View {
        List {
            if let problem = model.problem {
                Section {
                    Text(Wording.problem(problem))
                    let action = ProtectionHealth.fix(for: problem)
                    if let title = Wording.fix(action) {
                        Button(title) { perform(action) }
                            .buttonStyle(.borderedProminent)
                    }
                }
            } else {
                Section {
                    Label("Protection is on", systemImage: "checkmark.shield.fill")
                        .foregroundStyle(.green)
                }
            }
            Section("Calls") {
                LabeledContent("Call blocking and identification") {
                    Text(stateText(model.callDirectory))
                }
                if let record = model.directoryRecord {
                    LabeledContent("Numbers loaded in iOS", value: record.load.loaded.formatted())
                    if record.load.notLoaded > 0 {
                        LabeledContent("Not loaded (over the cap)", value: record.load.notLoaded.formatted())
                    }
                    LabeledContent("Loaded") {
                        Text(record.completedAt, style: .relative)
                    }
                } else {
                    Text("iOS has not loaded the list yet.")
                }
            }
            Section("Messages") {
                Text("Apps cannot see whether the SMS filter is on: choose Callguard in Settings › Messages › Unknown & Spam.")
            }
            Section("List") {
                if let installed = model.status?.update.installed {
                    LabeledContent("Version", value: String(installed.seq))
                    LabeledContent("Numbers", value: (model.status?.listEntries["numbers"] ?? 0).formatted())
                }
                if let seconds = model.status?.update.secondsSinceSuccess {
                    LabeledContent("Last update") {
                        Text(Date(timeIntervalSinceNow: -TimeInterval(seconds)), style: .relative)
                    }
                } else {
                    Text("Never updated: the list shipped with the app protects.")
                }
                Button(model.updating ? LocalizedStringKey("Updating…") : LocalizedStringKey("Update now")) {
                    Task { await model.update() }
                }
                .disabled(model.updating)
            }
            Section("What iOS does not allow") {
                ForEach(Array(Wording.iosLimits.enumerated()), id: \.offset) { item in
                    Text(item.element).font(.footnote)
                }
            }
        }
        .navigationTitle("Callguard")
        .refreshable { model.refresh() }
        .sheet(isPresented: $showCap) {
            NavigationStack { CapSettingView() }
        }
    }

    private func stateText(_ state: ExtensionState) -> LocalizedStringKey {
        switch state {
        case .enabled: return "On"
        case .disabled: return "Off"
        case .unknown: return "Unknown"
        }
    }

    private func perform(_ action: FixAction) {
        switch action {
        case .updateApp:
            if let url = URL(string: "itms-apps://apps.apple.com/") {
                UIApplication.shared.open(url)
            }
        case .openCallBlockingSettings:
            Task { await DirectoryControl.openSettings() }
        case .reloadDirectory:
            Task { await model.reloadDirectory() }
        case .updateList:
            Task { await model.update() }
        case .showCapSetting:
            showCap = true
        case .resume:
            model.resume()
        case .none:
            break
        }
    }
}

/// The cap on Call Directory entries.
struct CapSettingView: View {
    @EnvironmentObject private var model: AppModel
    @Environment(\.dismiss) private var dismiss

    var body: some View {
        List {
            Section {
                ForEach(DirectoryCap.choices, id: \.self) { cap in
                    Button {
                        model.setDirectoryCap(cap)
                        dismiss()
                    } label: {
                        HStack {
                            Text(cap.formatted())
                            Spacer()
                            if cap == model.directoryCap {
                                Image(systemName: "checkmark")
                            }
                        }
                    }
                }
            } footer: {
                Text("iOS holds a limited number of blocked and labelled numbers, and loading more takes longer. When the list is longer than the cap, the least certain numbers are not loaded: your own blocked numbers stay, then the most certain entries of the list.")
            }
        }
        .navigationTitle("Numbers in iOS")
    }
}
