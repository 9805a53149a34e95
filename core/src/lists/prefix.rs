//! Prefix matching over an FST whose keys are digit patterns, where `#` stands for any
//! digit (the notation of the French operator range lists).
//!
//! A pattern matches a number when it matches the number's first digits. The walk follows
//! the number's digit and, at each node, the `#` edge too; it explores at most one path
//! per distinct pattern shape, so its cost is bounded by the key length times the number
//! of `#` positions present in the index.

use fst::raw::{Fst, Output};

/// The longest pattern that matches `key`, with its output and its text.
pub(crate) struct PrefixMatch {
    pub pattern: String,
    pub value: u64,
}

/// Finds the longest matching pattern; on equal length the larger output value wins,
/// which by the packing of [`EntryMeta`](super::EntryMeta) means the stronger action.
pub(crate) fn longest_match<D: AsRef<[u8]>>(fst: &Fst<D>, key: &[u8]) -> Option<PrefixMatch> {
    /// One node to visit. `wild` has bit i set when depth i took the `#` edge, so the
    /// pattern can be rebuilt from the key without allocating during the walk.
    #[derive(Clone, Copy)]
    struct Frame {
        addr: fst::raw::CompiledAddr,
        depth: usize,
        out: Output,
        wild: u32,
    }
    // Patterns are at most 15 bytes long (checked when they are added).
    let key = &key[..key.len().min(31)];
    let mut best: Option<(usize, u64, u32)> = None;
    let mut stack = Vec::with_capacity(8);
    stack.push(Frame {
        addr: fst.root().addr(),
        depth: 0,
        out: Output::zero(),
        wild: 0,
    });
    while let Some(frame) = stack.pop() {
        let node = fst.node(frame.addr);
        if node.is_final() && frame.depth > 0 {
            let value = frame.out.cat(node.final_output()).value();
            let better = match best {
                None => true,
                Some((len, old, _)) => frame.depth > len || (frame.depth == len && value > old),
            };
            if better {
                best = Some((frame.depth, value, frame.wild));
            }
        }
        let Some(&digit) = key.get(frame.depth) else {
            continue;
        };
        for (byte, wild) in [(digit, 0), (b'#', 1u32 << frame.depth)] {
            if let Some(index) = node.find_input(byte) {
                let transition = node.transition(index);
                stack.push(Frame {
                    addr: transition.addr,
                    depth: frame.depth + 1,
                    out: frame.out.cat(transition.out),
                    wild: frame.wild | wild,
                });
            }
        }
    }
    best.map(|(len, value, wild)| {
        let pattern = key[..len]
            .iter()
            .enumerate()
            .map(|(i, &b)| {
                if wild & (1 << i) != 0 {
                    '#'
                } else {
                    char::from(b)
                }
            })
            .collect();
        PrefixMatch { pattern, value }
    })
}
