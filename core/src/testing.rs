//! What the benchmarks need of the engine's internals, and nothing an app should use:
//! built only with the `testing` feature, which the phone's build never enables.

/// The SMS scoring thresholds, which the model tests hold the trained model to.
pub use crate::decide::{
    BLOCK_SCORE, BOOST_PROBABILITY, FRAUD_BOOST_PROBABILITY, MODEL_BOOST, MODEL_SUPPORT,
    SHORTENER_BOOST, WARN_SCORE,
};
pub use crate::lists::files::{file_name, DirSeal, FstDirWriter};
pub use crate::lists::OverlayDirWriter;
pub use crate::sms::SmsIndex;
pub use crate::store::{Store, TrustRecord};

/// The structure markers of round 5 (`[risklink]`, `[cardnumber]`, `[mobilenumber]`,
/// `[foreignnumber]`) for `text` read in `home`, with its links and numbers already
/// found: a closure that computes only the new checks, so the benchmark can set their
/// cost beside the whole `check_sms` in the same run. It returns how many markers apply.
pub fn structure_markers(text: &str, home: crate::Region) -> impl Fn() -> usize + '_ {
    let found = crate::sms::links::extract(text);
    let written = crate::sms::text_numbers::extract(text, home);
    move || {
        // With no brands every link is unverified; each number's use is read here, as
        // the scan reads it (shared there with the premium-rate marker).
        let unverified: Vec<_> = found.iter().collect();
        let uses: Vec<_> = written.iter().map(crate::number::number_use).collect();
        let s = crate::sms::Structure::of(text, &unverified, &written, &uses);
        [
            s.risk_link,
            s.card_number,
            s.mobile_number,
            s.foreign_number,
        ]
        .iter()
        .filter(|x| **x)
        .count()
    }
}

/// The SMS index of a list set as the engine gets it (from the list's SMS index file,
/// or compiled in memory when there is no usable one, without writing one), and why the
/// file was not used.
pub fn sms_index_for(
    lists: &crate::lists::ListSet,
) -> (SmsIndex, Result<(), crate::sms::index_file::IndexFileError>) {
    let sms = lists.section_bytes(crate::Section::SmsRules);
    SmsIndex::for_section(sms, lists.dir(), false)
}

/// The Call Directory changes from `base` to `current` with no user rules and no cap, as
/// `Engine::export_changes` computes them from an installed list's export base: for the
/// export benchmark, which measures them on lists built in memory.
pub fn export_changes(
    base: &crate::lists::ListSet,
    current: &crate::lists::ListSet,
    home: crate::Region,
    after: Option<i64>,
    limit: u32,
) -> crate::Result<crate::export::ExportChanges> {
    let index = crate::decide::rule_index::RuleIndex::new(Vec::new());
    let rules = crate::export::RuleView::new(&index, home);
    let everything = |lists| crate::export::select::select(lists, &rules);
    let (from, to) = (everything(base), everything(current));
    crate::export::changes(
        crate::export::Selected {
            lists: base,
            selection: &from,
        },
        crate::export::Selected {
            lists: current,
            selection: &to,
        },
        &rules,
        after,
        limit,
    )
}
