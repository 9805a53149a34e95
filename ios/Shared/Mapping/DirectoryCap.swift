// The choices the settings screen offers for the Call Directory cap. The cap itself is
// the engine's setting (`Settings.callDirectoryCap`, default 2,000,000): the engine leaves
// out the least certain entries past it and says how many (`exportSummary`).

/// The Call Directory caps a user can choose.
enum DirectoryCap {
    /// CallKit publishes no limit, but a Call Directory extension runs in a small memory
    /// budget and a load is given a limited time; call blockers report loads of a few
    /// million entries working and larger ones interrupted. The engine's default, two
    /// million, is among these (README: the cap).
    static let choices: [UInt32] = [500_000, 1_000_000, 2_000_000, 5_000_000]
}
