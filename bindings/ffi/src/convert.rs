//! `From` impls between the core types and the binding types. Enum conversions are
//! exhaustive matches, so a variant added on either side fails to compile until it is
//! mapped here.

use callguard_core as core;

use crate::error::CallguardError;
use crate::types::*;

impl From<Presentation> for core::Presentation {
    fn from(p: Presentation) -> Self {
        match p {
            Presentation::Allowed => core::Presentation::Allowed,
            Presentation::Restricted => core::Presentation::Restricted,
            Presentation::Unknown => core::Presentation::Unknown,
            Presentation::Payphone => core::Presentation::Payphone,
        }
    }
}

impl From<Verification> for core::Verification {
    fn from(v: Verification) -> Self {
        match v {
            Verification::Passed => core::Verification::Passed,
            Verification::Failed => core::Verification::Failed,
            Verification::NotVerified => core::Verification::NotVerified,
        }
    }
}

impl From<CallInput> for core::CallInput {
    fn from(input: CallInput) -> Self {
        core::CallInput {
            number: input.number,
            presentation: input.presentation.into(),
            verification: input.verification.into(),
            is_contact: input.is_contact,
        }
    }
}

impl From<SmsInput> for core::SmsInput {
    fn from(input: SmsInput) -> Self {
        core::SmsInput::new(input.sender, input.text)
    }
}

impl From<core::Action> for Action {
    fn from(a: core::Action) -> Self {
        match a {
            core::Action::Allow => Action::Allow,
            core::Action::Warn => Action::Warn,
            core::Action::Block => Action::Block,
        }
    }
}

impl From<core::Category> for Category {
    fn from(c: core::Category) -> Self {
        use core::Category as C;
        match c {
            C::OfficialImpersonation => Category::OfficialImpersonation,
            C::FakeCustomerService => Category::FakeCustomerService,
            C::LoanCredit => Category::LoanCredit,
            C::Investment => Category::Investment,
            C::AcquaintanceImpersonation => Category::AcquaintanceImpersonation,
            C::TaskScam => Category::TaskScam,
            C::Prize => Category::Prize,
            C::Delivery => Category::Delivery,
            C::AccountPhishing => Category::AccountPhishing,
            C::Romance => Category::Romance,
            C::GamingTrade => Category::GamingTrade,
            C::Telemarketing => Category::Telemarketing,
            C::Spam => Category::Spam,
            C::ReportedFraud => Category::ReportedFraud,
            C::SuspectedFraud => Category::SuspectedFraud,
        }
    }
}

impl From<Category> for core::Category {
    fn from(c: Category) -> Self {
        use core::Category as C;
        match c {
            Category::OfficialImpersonation => C::OfficialImpersonation,
            Category::FakeCustomerService => C::FakeCustomerService,
            Category::LoanCredit => C::LoanCredit,
            Category::Investment => C::Investment,
            Category::AcquaintanceImpersonation => C::AcquaintanceImpersonation,
            Category::TaskScam => C::TaskScam,
            Category::Prize => C::Prize,
            Category::Delivery => C::Delivery,
            Category::AccountPhishing => C::AccountPhishing,
            Category::Romance => C::Romance,
            Category::GamingTrade => C::GamingTrade,
            Category::Telemarketing => C::Telemarketing,
            Category::Spam => C::Spam,
            Category::ReportedFraud => C::ReportedFraud,
            Category::SuspectedFraud => C::SuspectedFraud,
        }
    }
}

impl From<core::Report> for Report {
    fn from(r: core::Report) -> Self {
        Report {
            id: r.id,
            at: r.at,
            is_sender_name: matches!(r.subject, core::ReportSubject::Sender(_)),
            subject: r.subject.to_string(),
            category: r.category.into(),
            note: r.note,
        }
    }
}

impl From<core::ReasonCode> for ReasonCode {
    fn from(c: core::ReasonCode) -> Self {
        use core::ReasonCode as R;
        match c {
            R::UserAllow => ReasonCode::UserAllow,
            R::UserBlock => ReasonCode::UserBlock,
            R::Contact => ReasonCode::Contact,
            R::SpoofedOfficial => ReasonCode::SpoofedOfficial,
            R::ListNumber => ReasonCode::ListNumber,
            R::ListPrefix => ReasonCode::ListPrefix,
            R::VerificationFailed => ReasonCode::VerificationFailed,
            R::HiddenNumber => ReasonCode::HiddenNumber,
            R::OverseasCall => ReasonCode::OverseasCall,
            R::OverseasSms => ReasonCode::OverseasSms,
            R::SmsDomain => ReasonCode::SmsDomain,
            R::SmsLinkSuspicious => ReasonCode::SmsLinkSuspicious,
            R::SmsNumber => ReasonCode::SmsNumber,
            R::SmsPhrase => ReasonCode::SmsPhrase,
            R::SmsModel => ReasonCode::SmsModel,
            R::Paused => ReasonCode::Paused,
            R::RepeatedCall => ReasonCode::RepeatedCall,
        }
    }
}

impl From<core::Reason> for Reason {
    fn from(r: core::Reason) -> Self {
        Reason {
            code: r.code.into(),
            code_name: r.code.as_str().to_owned(),
            detail: r.detail,
        }
    }
}

impl From<core::Decision> for Decision {
    fn from(d: core::Decision) -> Self {
        Decision {
            action: d.action.into(),
            category: d.category.map(Into::into),
            label: d.label,
            reasons: d.reasons.into_iter().map(Into::into).collect(),
            lists: d.lists.into_iter().collect(),
        }
    }
}

impl From<RuleKind> for core::RuleKind {
    fn from(k: RuleKind) -> Self {
        match k {
            RuleKind::Allow => core::RuleKind::Allow,
            RuleKind::Block => core::RuleKind::Block,
        }
    }
}

impl From<core::RuleKind> for RuleKind {
    fn from(k: core::RuleKind) -> Self {
        match k {
            core::RuleKind::Allow => RuleKind::Allow,
            core::RuleKind::Block => RuleKind::Block,
        }
    }
}

impl From<core::UserRule> for UserRule {
    fn from(r: core::UserRule) -> Self {
        UserRule {
            id: r.id,
            kind: r.kind.into(),
            target: r.target.to_string(),
            created_at: r.created_at,
        }
    }
}

impl From<core::Channel> for Channel {
    fn from(c: core::Channel) -> Self {
        match c {
            core::Channel::Call => Channel::Call,
            core::Channel::Sms => Channel::Sms,
        }
    }
}

impl From<core::HistoryEntry> for HistoryEntry {
    fn from(h: core::HistoryEntry) -> Self {
        HistoryEntry {
            id: h.id,
            at_ms: h.at_ms,
            channel: h.channel.into(),
            subject: h.subject,
            decision: h.decision.into(),
        }
    }
}

impl From<Action> for core::Action {
    fn from(a: Action) -> Self {
        match a {
            Action::Allow => core::Action::Allow,
            Action::Warn => core::Action::Warn,
            Action::Block => core::Action::Block,
        }
    }
}

impl From<core::Settings> for Settings {
    fn from(s: core::Settings) -> Self {
        Settings {
            home_region: s.home_region.to_string(),
            overseas_calls: s.overseas_calls.into(),
            overseas_sms: s.overseas_sms.into(),
            allowed_countries: s.allowed_countries.iter().map(|r| r.to_string()).collect(),
            allowed_calling_codes: s.allowed_calling_codes.into_iter().collect(),
            hidden_numbers: s.hidden_numbers.into(),
            verification_failed: s.verification_failed.into(),
            history_retention_days: s.history_retention_days,
            sms_spam: s.sms_spam.into(),
            repeated_calls_minutes: s.repeated_calls_minutes,
            call_directory_cap: s.call_directory_cap,
        }
    }
}

impl TryFrom<Settings> for core::Settings {
    type Error = CallguardError;

    /// Reads the region codes; the engine checks the rest (`Settings::validate`).
    /// Errors name the field and position, never the text.
    fn try_from(s: Settings) -> Result<Self, Self::Error> {
        let home_region = s.home_region.trim().parse().map_err(|_| {
            CallguardError::invalid(
                "invalid setting: home_region must be a two-letter region code such as CN or US",
            )
        })?;
        let allowed_countries = s
            .allowed_countries
            .iter()
            .enumerate()
            .map(|(i, code)| {
                code.trim().parse().map_err(|_| {
                    CallguardError::invalid(format!(
                        "invalid setting: item {} of allowed_countries is not a two-letter region code",
                        i + 1
                    ))
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(core::Settings {
            home_region,
            overseas_calls: s.overseas_calls.into(),
            overseas_sms: s.overseas_sms.into(),
            allowed_countries,
            hidden_numbers: s.hidden_numbers.into(),
            verification_failed: s.verification_failed.into(),
            history_retention_days: s.history_retention_days,
            sms_spam: s.sms_spam.into(),
            allowed_calling_codes: s.allowed_calling_codes.into_iter().collect(),
            repeated_calls_minutes: s.repeated_calls_minutes,
            call_directory_cap: s.call_directory_cap,
        })
    }
}

/// Settings as the ordered (key, text value) list the CLI shows.
pub fn setting_entries(settings: &core::Settings) -> Vec<SettingEntry> {
    settings
        .entries()
        .into_iter()
        .map(|(key, value)| SettingEntry {
            key: key.to_owned(),
            value,
        })
        .collect()
}

impl From<core::InstalledList> for InstalledList {
    fn from(i: core::InstalledList) -> Self {
        InstalledList {
            name: i.name,
            seq: i.seq,
            count: i.count,
            sha256: i.sha256,
            manifest_version: i.manifest_version,
            installed_at: i.installed_at,
        }
    }
}

impl From<core::UpdateLogEntry> for UpdateAttempt {
    fn from(e: core::UpdateLogEntry) -> Self {
        UpdateAttempt {
            at: e.at,
            ok: e.ok,
            message: e.message,
        }
    }
}

impl From<core::UpdateStatus> for UpdateStatus {
    fn from(u: core::UpdateStatus) -> Self {
        UpdateStatus {
            installed: u.installed.map(Into::into),
            manifest_version: u.manifest_version,
            manifest_expires: u.manifest_expires,
            last_success_at: u.last_success_at,
            seconds_since_success: u.seconds_since_success,
            stale: u.stale,
            last_attempt: u.last_attempt.map(Into::into),
            list_problem: u.list_problem,
        }
    }
}

impl From<core::Status> for Status {
    fn from(s: core::Status) -> Self {
        Status {
            home_region: s.home_region.to_string(),
            lists: s.lists.into_iter().collect(),
            list_entries: s.list_entries.into_iter().collect(),
            sms: SmsSummary {
                phrase_rules: s.sms.phrase_rules as u64,
                brands: s.sms.brands as u64,
                model_weights: s.sms.model_weights.map(|n| n as u64),
                model_in_use: s.sms.model_in_use,
            },
            rules: s.rules as u64,
            history_entries: s.history_entries,
            schema_version: s.schema_version,
            database: s.database.map(|p| p.to_string_lossy().into_owned()),
            update: s.update.into(),
            paused: s.paused.is_some(),
            paused_until: match s.paused {
                Some(core::Pause::Until(at)) => Some(at),
                _ => None,
            },
            unreadable_rows: s.unreadable_rows,
            history_dropped: s.history_dropped,
        }
    }
}

impl From<core::update::Via> for UpdateVia {
    fn from(v: core::update::Via) -> Self {
        match v {
            core::update::Via::Snapshot => UpdateVia::Snapshot,
            core::update::Via::Delta { from } => UpdateVia::Delta { from },
        }
    }
}

impl From<core::update::UpdateReport> for UpdateReport {
    fn from(r: core::update::UpdateReport) -> Self {
        UpdateReport {
            list: r.list,
            seq: r.seq,
            manifest_version: r.manifest_version,
            installed: r.installed.map(Into::into),
            previous_seq: r.previous_seq,
            downloaded_bytes: r.downloaded_bytes,
            fell_back_to_snapshot: r.fell_back_to_snapshot,
            clock_behind: r.clock_behind,
        }
    }
}

/// The file set of an `install_update` call. A path given twice is refused rather than
/// silently taking one of the two.
pub fn file_map(files: Vec<UpdateFile>) -> crate::error::Result<core::update::FileMap> {
    let mut seen = std::collections::HashSet::new();
    let mut map = core::update::FileMap::new();
    for file in files {
        let path = file.path.trim_start_matches('/').to_owned();
        if path.is_empty() || path.split('/').any(|part| part == "..") {
            return Err(crate::error::CallguardError::invalid(
                "an update file path must be relative to the site root",
            ));
        }
        if !seen.insert(path.clone()) {
            return Err(crate::error::CallguardError::invalid(
                "the same update file path was given twice",
            ));
        }
        map.insert(path, file.bytes);
    }
    Ok(map)
}

impl From<core::export::ExportKind> for ExportKind {
    fn from(kind: core::export::ExportKind) -> Self {
        match kind {
            core::export::ExportKind::Block => ExportKind::Block,
            core::export::ExportKind::Identify => ExportKind::Identify,
        }
    }
}

impl From<core::export::ExportEntry> for ExportEntry {
    fn from(entry: core::export::ExportEntry) -> Self {
        ExportEntry {
            number: entry.number,
            kind: entry.kind.into(),
            label: entry.label,
        }
    }
}

impl From<core::export::ExportSummary> for ExportSummary {
    fn from(s: core::export::ExportSummary) -> Self {
        ExportSummary {
            version: s.version,
            cap: s.cap,
            total: s.total,
            exported: s.exported,
            omitted: s.omitted,
        }
    }
}

impl From<core::export::ExportPage> for ExportPage {
    fn from(page: core::export::ExportPage) -> Self {
        ExportPage {
            entries: page.entries.into_iter().map(Into::into).collect(),
            next_after: page.next_after,
            version: page.version,
        }
    }
}

impl From<core::export::ChangeOp> for ChangeOp {
    fn from(op: core::export::ChangeOp) -> Self {
        match op {
            core::export::ChangeOp::Add => ChangeOp::Add,
            core::export::ChangeOp::Remove => ChangeOp::Remove,
        }
    }
}

impl From<core::export::ExportChange> for ExportChange {
    fn from(change: core::export::ExportChange) -> Self {
        ExportChange {
            op: change.op.into(),
            entry: change.entry.into(),
        }
    }
}

impl From<core::export::ExportChanges> for ExportChanges {
    fn from(changes: core::export::ExportChanges) -> Self {
        ExportChanges {
            full_reload: changes.full_reload,
            changes: changes.changes.into_iter().map(Into::into).collect(),
            next_after: changes.next_after,
            version: changes.version,
        }
    }
}
