// Report a number or an SMS sender: kept on the phone by the engine, shared by the user
// through the share sheet as the publisher's CSV source. Nothing is sent by the app.

import SwiftUI
import Callguard

struct ReportView: View {
    @EnvironmentObject private var model: AppModel
    @State private var subject = ""
    @State private var category: Category = .officialImpersonation
    @State private var note = ""
    @State private var exported: URL?

    var body: some View {
        Form {
            Section {
                TextField("Number or sender name", text: $subject)
                    .autocorrectionDisabled()
                Picker("Kind of fraud", selection: $category) {
                    ForEach(Wording.reportable, id: \.self) { category in
                        Text(Wording.category(category)).tag(category)
                    }
                }
                TextField("Note (optional)", text: $note)
                Button("Keep this report") {
                    if model.report(subject, category: category, note: note) {
                        subject = ""
                        note = ""
                        exported = nil
                    }
                }
                .disabled(subject.trimmingCharacters(in: .whitespaces).isEmpty)
            } footer: {
                Text("Reports stay on this iPhone until you share them.")
            }
            if !model.reports.isEmpty {
                Section("Kept reports") {
                    ForEach(model.reports, id: \.id) { report in
                        LabeledContent(report.subject) {
                            Text(Wording.category(report.category))
                        }
                    }
                    if let exported {
                        ShareLink(item: exported) {
                            Label("Share the reports", systemImage: "square.and.arrow.up")
                        }
                    } else {
                        Button("Prepare the reports for sharing") {
                            exported = model.exportReportsFile()
                        }
                    }
                    Button("Delete all reports", role: .destructive) {
                        model.clearReports()
                        exported = nil
                    }
                }
            }
        }
        .navigationTitle("Report")
    }
}
