//! The records and enums of the bindings. Each mirrors a core type; [`crate::convert`]
//! translates. Names and variants are a contract with the apps (reason codes and
//! categories are DESIGN.md's), so they are only ever added to.

use std::collections::HashMap;

/// How the network presented the caller's number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Presentation {
    /// The number is shown.
    Allowed,
    /// The caller withheld it.
    Restricted,
    /// The network does not know it.
    Unknown,
    /// A payphone.
    Payphone,
}

/// The STIR/SHAKEN caller-ID verification result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Verification {
    /// The network vouches for the number.
    Passed,
    /// The network says the number is probably spoofed.
    Failed,
    /// No verification took place (most calls, most countries).
    NotVerified,
}

/// An incoming call, as the app sees it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct CallInput {
    /// The presented number in any format; `None` or empty when hidden.
    #[uniffi(default = None)]
    pub number: Option<String>,
    /// How the number was presented.
    pub presentation: Presentation,
    /// STIR/SHAKEN status.
    pub verification: Verification,
    /// Whether the app found the number in the address book (the engine never sees
    /// contacts).
    #[uniffi(default = false)]
    pub is_contact: bool,
}

/// An incoming SMS.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SmsInput {
    /// A number, a short code, or an alphanumeric sender name.
    pub sender: String,
    /// The message text. It is never stored and never appears in an error.
    pub text: String,
}

/// What the app should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Action {
    /// Let it through silently.
    Allow,
    /// Let it through, but show the label.
    Warn,
    /// Reject the call, or file the SMS as junk.
    Block,
}

/// The kind of fraud or nuisance (DESIGN.md's categories).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
#[allow(missing_docs)]
pub enum Category {
    OfficialImpersonation,
    FakeCustomerService,
    LoanCredit,
    Investment,
    AcquaintanceImpersonation,
    TaskScam,
    Prize,
    Delivery,
    AccountPhishing,
    Romance,
    GamingTrade,
    Telemarketing,
    Spam,
    ReportedFraud,
    /// Fraud by the publisher's model, where no rule names a kind.
    SuspectedFraud,
}

/// Why a rule matched: one stable code per rule of DESIGN.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
#[allow(missing_docs)]
pub enum ReasonCode {
    UserAllow,
    UserBlock,
    Contact,
    SpoofedOfficial,
    ListNumber,
    ListPrefix,
    VerificationFailed,
    HiddenNumber,
    OverseasCall,
    OverseasSms,
    SmsDomain,
    SmsLinkSuspicious,
    SmsNumber,
    SmsPhrase,
    SmsModel,
    /// Protection is paused by the user: allowed.
    Paused,
    /// A second call from the same number within the user's window: allowed.
    RepeatedCall,
}

/// One rule that matched.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Reason {
    /// The stable code.
    pub code: ReasonCode,
    /// The stable snake_case form of `code` (`spoofed_official`), for logs and analytics.
    pub code_name: String,
    /// A short explanation for people; never the full number.
    pub detail: String,
}

/// The engine's answer.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Decision {
    /// What to do.
    pub action: Action,
    /// The kind of fraud, where one is known.
    pub category: Option<Category>,
    /// One short line for people.
    pub label: String,
    /// Every rule that matched; the deciding one first.
    pub reasons: Vec<Reason>,
    /// List name → version of the lists consulted.
    pub lists: HashMap<String, u64>,
}

/// Every setting, typed: what the app's settings screen reads and writes. Change fields
/// and pass it to `update_settings`; the text keys (`set_setting`) are for the CLI.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Settings {
    /// The region whose numbering plan national numbers follow, e.g. `CN`.
    pub home_region: String,
    /// What to do with calls from other regions.
    pub overseas_calls: Action,
    /// What to do with SMS from other regions.
    pub overseas_sms: Action,
    /// Regions exempt from the overseas policies, e.g. `KH` (family abroad).
    pub allowed_countries: Vec<String>,
    /// Calling codes exempt as a whole: `1` covers every NANP region, where `US` in
    /// `allowed_countries` covers the US alone.
    pub allowed_calling_codes: Vec<u16>,
    /// What to do with withheld, unknown and payphone numbers.
    pub hidden_numbers: Action,
    /// What to do when STIR/SHAKEN verification failed.
    pub verification_failed: Action,
    /// Days of decision history to keep, 0 to 3650; 0 keeps none.
    pub history_retention_days: u32,
    /// What to do with advertising SMS (marketing is not fraud).
    pub sms_spam: Action,
    /// Minutes, 0 to 60, within which a second call from the same number rings; 0 is off.
    pub repeated_calls_minutes: u32,
    /// The most entries the iOS Call Directory export holds, 1 to 50,000,000 (default
    /// 2,000,000); past it the least certain entries are left out (`export_summary`
    /// says how many). Defaulted, so code that builds a `Settings` by hand keeps
    /// compiling.
    #[uniffi(default = 2000000)]
    pub call_directory_cap: u32,
}

/// One setting in its text form, as `callguard settings` shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SettingEntry {
    /// The key, e.g. `overseas-calls`.
    pub key: String,
    /// The value, e.g. `block`, `KH,MM`, `30`.
    pub value: String,
}

/// Allow or block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum RuleKind {
    /// Always let it through (the strongest rule).
    Allow,
    /// Always block it.
    Block,
}

/// One of the user's own rules.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UserRule {
    /// Row id, stable for the rule's life.
    pub id: i64,
    /// Allow or block.
    pub kind: RuleKind,
    /// The canonical target: `+85512345678`, `+855*` or `country:KH`.
    pub target: String,
    /// Creation time, Unix seconds.
    pub created_at: i64,
}

/// A number or SMS sender the user reported; kept on the phone until they share it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Report {
    /// Row id.
    pub id: i64,
    /// When, Unix seconds.
    pub at: u64,
    /// `+` and E.164 digits for a number, else the sender name as received.
    pub subject: String,
    /// Whether `subject` is a sender name rather than a number.
    pub is_sender_name: bool,
    /// The kind of fraud the user saw.
    pub category: Category,
    /// The user's note (one line, at most 200 characters).
    pub note: String,
}

/// Whether a history entry was a call or an SMS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum Channel {
    /// A phone call.
    Call,
    /// A text message.
    Sms,
}

/// One remembered decision ("why was this blocked?"). Never holds a message text.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HistoryEntry {
    /// Row id.
    pub id: i64,
    /// When, in Unix milliseconds.
    pub at_ms: i64,
    /// Call or SMS.
    pub channel: Channel,
    /// The caller's E.164 number, the SMS sender, or `hidden`.
    pub subject: String,
    /// What was decided and why.
    pub decision: Decision,
}

/// The installed signed list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct InstalledList {
    /// The list's name in the manifest.
    pub name: String,
    /// Its sequence number.
    pub seq: u64,
    /// Entries in all sections.
    pub count: u64,
    /// The content SHA-256, hex.
    pub sha256: String,
    /// The manifest version it came from.
    pub manifest_version: u64,
    /// When it was installed, Unix seconds.
    pub installed_at: u64,
}

/// One logged update attempt.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UpdateAttempt {
    /// Unix seconds.
    pub at: u64,
    /// Whether it succeeded.
    pub ok: bool,
    /// What happened (never user data).
    pub message: String,
}

/// Where the signed list stands.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UpdateStatus {
    /// The installed signed list, if any.
    pub installed: Option<InstalledList>,
    /// The trusted manifest version.
    pub manifest_version: Option<u64>,
    /// When the trusted manifest expires, Unix seconds.
    pub manifest_expires: Option<u64>,
    /// When an update last succeeded, Unix seconds.
    pub last_success_at: Option<u64>,
    /// Seconds since then.
    pub seconds_since_success: Option<u64>,
    /// No success for two days, or the manifest expired: the list still protects, but
    /// lacks what was published since.
    pub stale: bool,
    /// The last attempt.
    pub last_attempt: Option<UpdateAttempt>,
    /// Why the installed list is not in use (a file missing, truncated or damaged): the
    /// app shows it; the next update reinstalls the list.
    pub list_problem: Option<String>,
}

/// A summary for the app's settings screen.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Status {
    /// The home region in effect, e.g. `CN`.
    pub home_region: String,
    /// List name → version of the lists in use.
    pub lists: HashMap<String, u64>,
    /// Section name (`numbers`, `prefixes`, `official`, `domains`, `sms_rules`) → entries.
    pub list_entries: HashMap<String, u64>,
    /// What the SMS section holds, which its raw entry count does not say.
    pub sms: SmsSummary,
    /// User rules.
    pub rules: u64,
    /// Stored history entries.
    pub history_entries: i64,
    /// The database schema version.
    pub schema_version: i64,
    /// Where the database lives; `None` in memory.
    pub database: Option<String>,
    /// Signed-list updates.
    pub update: UpdateStatus,
    /// Whether protection is paused by the user now.
    pub paused: bool,
    /// When a timed pause ends, Unix seconds; `None` when not paused or paused until
    /// the user resumes.
    pub paused_until: Option<u64>,
    /// Stored rules, settings and history entries that could not be read (skipped).
    pub unreadable_rows: u64,
    /// History records dropped because the database was locked or read-only.
    pub history_dropped: u64,
}

/// What the list's SMS section holds: phrase rules, brands and the publisher's model.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SmsSummary {
    /// Phrase and advisory rules.
    pub phrase_rules: u64,
    /// Brands whose lookalike links are suspicious.
    pub brands: u64,
    /// The statistical model's non-zero weights, if the list has a usable model.
    pub model_weights: Option<u64>,
    /// Whether decisions use that model.
    pub model_in_use: bool,
}

/// How new list content arrived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum UpdateVia {
    /// The full snapshot.
    Snapshot,
    /// A delta from the installed sequence number `from`.
    Delta {
        /// The sequence number it applied to.
        from: u64,
    },
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UpdateReport {
    /// The list followed.
    pub list: String,
    /// The sequence number in use after the run.
    pub seq: u64,
    /// The manifest version now trusted.
    pub manifest_version: u64,
    /// `None` when the list was already current.
    pub installed: Option<UpdateVia>,
    /// The installed sequence number before the run.
    pub previous_seq: Option<u64>,
    /// Bytes of list content downloaded (not counting metadata).
    pub downloaded_bytes: u64,
    /// A delta was tried and failed, so the snapshot was used.
    pub fell_back_to_snapshot: bool,
    /// The device clock was behind the latest time seen; the latter was used.
    pub clock_behind: bool,
}

/// One file of a signed-list site that the app downloaded itself (e.g. an iOS background
/// session), keyed by its path on the site: `timestamp.json`, `manifests/3.manifest.json`.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct UpdateFile {
    /// The path relative to the site root, with `/` separators.
    pub path: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// What an iOS Call Directory entry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ExportKind {
    /// `addBlockingEntry(withNextSequentialPhoneNumber:)`.
    Block,
    /// `addIdentificationEntry(withNextSequentialPhoneNumber:label:)`.
    Identify,
}

/// One Call Directory entry: the number as CallKit wants it (E.164 digits as an
/// integer), what to do, and for identification the label to show.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ExportEntry {
    /// E.164 digits as an integer, e.g. 8613800138000.
    pub number: i64,
    /// Block or identify.
    pub kind: ExportKind,
    /// The caller-ID label for `Identify`; empty for `Block`.
    pub label: String,
}

/// A page of a full Call Directory load.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ExportPage {
    /// Entries in strictly ascending `number` order, all greater than the `after` asked.
    pub entries: Vec<ExportEntry>,
    /// Pass this as `after` for the next page; `None` when the export is complete.
    pub next_after: Option<i64>,
    /// The export version these entries belong to (see [`ExportChanges`]). If it differs
    /// between pages, the list changed mid-load: start again.
    pub version: String,
}

/// How much of the list the Call Directory holds under the cap: the app's status shows
/// `omitted` ("N numbers are not loaded: iOS holds at most `cap`; the least certain are
/// left out").
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ExportSummary {
    /// The export version these counts belong to.
    pub version: String,
    /// The cap in force (`Settings::call_directory_cap`).
    pub cap: u32,
    /// Entries the export would hold without the cap.
    pub total: u64,
    /// Entries it holds: at most `cap`.
    pub exported: u64,
    /// Entries left out by the cap, the least certain ones.
    pub omitted: u64,
}

/// Whether a change adds or removes an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum ChangeOp {
    /// Add the entry (`addBlockingEntry` / `addIdentificationEntry`).
    Add,
    /// Remove the entry (`removeBlockingEntry` / `removeIdentificationEntry`).
    Remove,
}

/// One incremental Call Directory change.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ExportChange {
    /// Add or remove.
    pub op: ChangeOp,
    /// The entry added or removed (for a removal, as it was).
    pub entry: ExportEntry,
}

/// A page of the changes since an export version the extension already loaded.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ExportChanges {
    /// The changes cannot be computed from that version (it is not the current one nor
    /// the one just before it, or the user's rules changed since): do a full reload with
    /// `export_page` instead. `changes` is then empty.
    pub full_reload: bool,
    /// Changes in ascending `number` order (a number whose entry changed appears as a
    /// removal, then an addition).
    pub changes: Vec<ExportChange>,
    /// Pass this as `after` for the next page; `None` when complete.
    pub next_after: Option<i64>,
    /// The export version the extension has once every page is applied.
    pub version: String,
}
