// What Callguard decided and why. On iOS the history holds the app's own checks: the
// extensions never write to it (iOS decides calls from the loaded list, and the SMS filter
// may not write), so calls blocked by iOS are in the phone's Recents instead.

import SwiftUI
import Callguard

struct HistoryView: View {
    @EnvironmentObject private var model: AppModel
    @State private var number = ""

    var body: some View {
        List {
            Section {
                HStack {
                    TextField("Check a number", text: $number)
                        .keyboardType(.phonePad)
                    Button("Check") {
                        model.checkNumber(number)
                        number = ""
                    }
                    .disabled(number.trimmingCharacters(in: .whitespaces).isEmpty)
                }
            } footer: {
                Text("Shows what Callguard decides for a call from this number, and why.")
            }
            Section {
                if model.history.isEmpty {
                    Text("Nothing yet.")
                }
                ForEach(model.history, id: \.id) { entry in
                    HistoryRow(entry: entry)
                }
            } footer: {
                Text("iOS does not tell apps about the calls it blocked or the messages it filtered, so this history holds the checks made in this app.")
            }
            if !model.history.isEmpty {
                Section {
                    Button("Clear history", role: .destructive) { model.clearHistory() }
                }
            }
        }
        .navigationTitle("History")
        .refreshable { model.refresh() }
    }
}

struct HistoryRow: View {
    let entry: HistoryEntry

    var body: some View {
        VStack(alignment: .leading, spacing: 4) {
            HStack {
                Text(Wording.action(entry.decision.action)).bold()
                Text(entry.subject)
                Spacer()
                Text(Date(timeIntervalSince1970: TimeInterval(entry.atMs) / 1000), style: .relative)
                    .font(.caption)
            }
            Text(entry.decision.label)
            ForEach(Array(entry.decision.reasons.enumerated()), id: \.offset) { item in
                Text("\(item.element.codeName): \(item.element.detail)")
                    .font(.caption)
                    .foregroundStyle(.secondary)
            }
        }
    }
}
