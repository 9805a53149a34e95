//! What a list entry says about a number, packed into the FST's u64 output.

use serde::Serialize;

use crate::vocabulary::{Action, Category};

/// The action, category and confidence that a list publisher gave an entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct EntryMeta {
    /// Block or warn (an allow entry would be pointless in a blocklist).
    pub action: Action,
    /// The kind of fraud.
    pub category: Category,
    /// 0–100: how sure the publisher is. Used to break ties and to cap iOS exports.
    pub confidence: u8,
}

impl EntryMeta {
    /// A new entry; confidence is clamped to 100.
    pub fn new(action: Action, category: Category, confidence: u8) -> Self {
        EntryMeta {
            action,
            category,
            confidence: confidence.min(100),
        }
    }

    /// The value a list entry carries. Layout: bits 0–1 action, bits 2–7 category
    /// index, bits 8–15 confidence (`signed-lists/FORMAT.md`).
    pub fn pack(self) -> u64 {
        let action = match self.action {
            Action::Allow => 0u64,
            Action::Warn => 1,
            Action::Block => 2,
        };
        action | (u64::from(self.category.index()) << 2) | (u64::from(self.confidence) << 8)
    }

    /// The inverse of [`pack`](Self::pack), as the phone reads entries: `None` for an
    /// action or category no builder writes.
    pub fn unpack(value: u64) -> Option<Self> {
        let action = match value & 0b11 {
            0 => Action::Allow,
            1 => Action::Warn,
            2 => Action::Block,
            _ => return None,
        };
        let category = Category::from_index(((value >> 2) & 0b11_1111) as u8)?;
        let confidence = ((value >> 8) & 0xff) as u8;
        Some(EntryMeta {
            action,
            category,
            confidence,
        })
    }

    /// The conflict rule for duplicate keys: the stronger action wins, then the higher
    /// confidence; on a full tie the first one added stays.
    pub fn outranks(&self, other: &EntryMeta) -> bool {
        (self.action, self.confidence) > (other.action, other.confidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn pack_round_trips(action in 0usize..3, category in 0usize..Category::ALL.len(), confidence in 0u8..=100) {
            let action = [Action::Allow, Action::Warn, Action::Block][action];
            let meta = EntryMeta::new(action, Category::ALL[category], confidence);
            prop_assert_eq!(EntryMeta::unpack(meta.pack()), Some(meta));
        }
    }

    #[test]
    fn unknown_bits_are_rejected() {
        assert_eq!(EntryMeta::unpack(3), None);
        assert_eq!(EntryMeta::unpack(63 << 2), None);
    }
}
