//! The large SMS list of DESIGN.md's budget: 100k random phrase rules (half Chinese, half
//! English), 1M random domains and a model of 60k weights per head in 2^18 buckets.
//! `check_sms` times it warm; `cold_start` installs it in a directory and starts on it.

use callguard_core::sms::{HeadParams, ModelParams};
use callguard_core::{Action, Category, EntryMeta, ListSet};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Phrase rules in the list.
pub const RULES: usize = 100_000;
/// Domains in the list.
pub const DOMAINS: usize = 1_000_000;
/// As many weights as `signed-lists train-sms` keeps by default.
pub const MODEL_WEIGHTS: usize = 60_000;

fn word(rng: &mut StdRng, len: usize) -> String {
    (0..len)
        .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
        .collect()
}

/// [`MODEL_WEIGHTS`] random weights (fewer where buckets repeat), ascending by bucket.
pub fn random_weights(rng: &mut StdRng, buckets: u32) -> Vec<(u32, i64)> {
    let mut weights: Vec<(u32, i64)> = (0..MODEL_WEIGHTS)
        .map(|_| (rng.random_range(0..buckets), rng.random_range(-3000..3000)))
        .collect();
    weights.sort_unstable();
    weights.dedup_by_key(|w| w.0);
    weights
}

/// The list, built in memory (the same random content on every call).
pub fn big_sms_list() -> ListSet {
    let mut rng = StdRng::seed_from_u64(7);
    let mut b = ListSet::builder("bench", 1);
    let meta = EntryMeta::new(Action::Block, Category::AccountPhishing, 80);
    for i in 0..DOMAINS {
        b.add_domain(
            &format!(
                "{}{i}.{}",
                word(&mut rng, 6),
                ["com", "top", "cn", "xyz"][i % 4]
            ),
            meta,
        )
        .expect("domain");
    }
    let han: Vec<char> = "安全账户冻结退款客服贷款额度征信中奖快递包裹验证码投资理财刷单返利"
        .chars()
        .collect();
    for i in 0..RULES {
        let phrase = if i % 2 == 0 {
            (0..4)
                .map(|_| han[rng.random_range(0..han.len())])
                .collect::<String>()
                + &i.to_string()
        } else {
            format!("{} {}", word(&mut rng, 5), word(&mut rng, 6))
        };
        b.add_sms_rule(Category::ALL[i % 12], &phrase, 30)
            .expect("rule");
    }
    b.add_sms_rule(Category::OfficialImpersonation, "安全账户", 70)
        .expect("rule");
    let buckets = 1u32 << 18;
    let weights = random_weights(&mut rng, buckets);
    b.add_sms_model(&ModelParams {
        buckets,
        scale: 1000,
        bias: 0,
        threshold: 500,
        fraud: Some(HeadParams {
            bias: -1000,
            threshold: 900,
            weights: weights.iter().map(|(b, w)| (*b, -w)).collect(),
        }),
        weights,
    })
    .expect("model");
    b.build().expect("lists")
}
