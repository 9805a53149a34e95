// The settings that mean something on iOS: the overseas SMS policy, allowed countries, the
// user's rules, advertising SMS, pause and the Call Directory cap. Every change goes to the
// engine as a whole typed record, then the Call Directory is reloaded (AppModel).

import SwiftUI
import Callguard

struct SettingsView: View {
    @EnvironmentObject private var model: AppModel
    @State private var newCountry = ""
    @State private var newRule = ""
    @State private var newRuleKind: RuleKind = .block

    var body: some View {
        Form {
            if let settings = model.settings {
                Section {
                    Picker("SMS from abroad", selection: binding(settings, \.overseasSms)) {
                        ForEach([Action.allow, .warn, .block], id: \.self) { action in
                            Text(Wording.action(action)).tag(action)
                        }
                    }
                    Toggle("Advertising SMS to Promotions", isOn: $model.promotions)
                } header: {
                    Text("Messages")
                } footer: {
                    Text("iOS shows the SMS filter only messages from unknown senders, never from your contacts or people you replied to.")
                }
                Section {
                    ForEach(settings.allowedCountries, id: \.self) { country in
                        Text(country)
                    }
                    .onDelete { offsets in
                        var next = settings
                        next.allowedCountries.remove(atOffsets: offsets)
                        model.apply(next)
                    }
                    HStack {
                        TextField("Region code, e.g. KH", text: $newCountry)
                            .textInputAutocapitalization(.characters)
                            .autocorrectionDisabled()
                        Button("Add") {
                            var next = settings
                            next.allowedCountries.append(newCountry.trimmingCharacters(in: .whitespaces).uppercased())
                            model.apply(next)
                            newCountry = ""
                        }
                        .disabled(newCountry.trimmingCharacters(in: .whitespaces).isEmpty)
                    }
                } header: {
                    Text("Allowed countries")
                } footer: {
                    Text("SMS from these countries are never treated as overseas. iOS cannot block a whole country without listing its numbers, so there is no switch for overseas calls on iPhone.")
                }
            }
            Section {
                ForEach(model.rules, id: \.id) { rule in
                    LabeledContent(rule.target) {
                        Text(rule.kind == .allow ? LocalizedStringKey("Always allow") : LocalizedStringKey("Always block"))
                    }
                }
                .onDelete { offsets in
                    for index in offsets {
                        model.removeRule(model.rules[index])
                    }
                }
                Picker("Rule", selection: $newRuleKind) {
                    Text("Always block").tag(RuleKind.block)
                    Text("Always allow").tag(RuleKind.allow)
                }
                .pickerStyle(.segmented)
                HStack {
                    TextField("Number, +855* or country:KH", text: $newRule)
                        .keyboardType(.phonePad)
                    Button("Add") {
                        model.addRule(newRuleKind, target: newRule)
                        newRule = ""
                    }
                    .disabled(newRule.trimmingCharacters(in: .whitespaces).isEmpty)
                }
            } header: {
                Text("Your rules")
            } footer: {
                Text("For calls, iOS takes only exact numbers: a block rule for +855* or a country cannot block calls on iPhone, while an allow rule still lets through the listed numbers it covers.")
            }
            Section {
                if model.status?.paused == true {
                    Button("Resume protection") { model.resume() }
                } else {
                    Button("Pause for 1 hour") { model.pause(for: 60 * 60) }
                    Button("Pause until I resume") { model.pause(for: nil) }
                }
            } header: {
                Text("Pause")
            }
            if let cap = model.directoryCap {
                Section("Numbers in iOS") {
                    NavigationLink {
                        CapSettingView()
                    } label: {
                        LabeledContent("Cap", value: cap.formatted())
                    }
                }
            }
        }
        .navigationTitle("Settings")
    }

    /// A binding to one field of the settings record that stores the whole record.
    private func binding<Value>(_ settings: EngineSettings, _ field: WritableKeyPath<EngineSettings, Value>) -> Binding<Value> {
        Binding(
            get: { settings[keyPath: field] },
            set: { value in
                var next = settings
                next[keyPath: field] = value
                model.apply(next)
            }
        )
    }
}
