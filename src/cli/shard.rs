//! `--shard K/N`: a stable part of the specs, so that N CI runners share one build. A
//! spec's part is decided by its client slug alone (its file's name when the spec does
//! not load, so that its error is still reported by exactly one shard), hashed the same
//! way on every machine: adding a client moves no other client to another shard.

use std::path::Path;
use std::str::FromStr;

use crate::incremental::stable_hash;
use crate::spec::Spec;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// From 1.
    index: u64,
    count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wrong = || format!("`{text}` is not a shard: write K/N, with K from 1 to N (`--shard 2/4`)");
        let (index, count) = text.split_once('/').ok_or_else(wrong)?;
        let (index, count) = (index.trim().parse::<u64>(), count.trim().parse::<u64>());
        match (index, count) {
            (Ok(index), Ok(count)) if (1..=count).contains(&index) => Ok(Self { index, count }),
            _ => Err(wrong()),
        }
    }
}

impl Shard {
    /// Whether the spec at `path`, loaded as `spec` (`None` when it does not load), is
    /// this shard's to build.
    pub fn holds(&self, path: &Path, spec: Option<&Spec>) -> bool {
        let slug = spec.map_or_else(
            || {
                path.file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_default()
            },
            |spec| spec.client.slug.clone(),
        );
        self.holds_slug(&slug)
    }

    fn holds_slug(&self, slug: &str) -> bool {
        // A cryptographic hash mixes every byte of the slug into every bit, so numbered
        // slugs (`shop-001` to `shop-999`) spread evenly over any count.
        stable_hash(slug.as_bytes()) % self.count == self.index - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_read_and_checked() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        for wrong in ["0/4", "5/4", "2", "a/b", "1/0", "-1/2"] {
            assert!(wrong.parse::<Shard>().is_err(), "{wrong}");
        }
    }

    #[test]
    fn every_slug_is_in_exactly_one_shard() {
        let slugs: Vec<String> = (0..200).map(|i| format!("client-{i}")).collect();
        let shards: Vec<Shard> = (1..=3).map(|index| Shard { index, count: 3 }).collect();
        for slug in &slugs {
            assert_eq!(shards.iter().filter(|s| s.holds_slug(slug)).count(), 1, "{slug}");
        }
        let first = slugs.iter().filter(|s| shards[0].holds_slug(s)).count();
        assert!((40..=90).contains(&first), "shards are near even: {first} of 200");
    }

    #[test]
    fn numbered_slugs_spread_over_a_power_of_two() {
        for count in [2, 4, 8] {
            for index in 1..=count {
                let shard = Shard { index, count };
                let held = (1..=999).filter(|i| shard.holds_slug(&format!("shop-{i:03}"))).count();
                let even = 999 / count as usize;
                assert!(
                    held > even * 3 / 4 && held < even * 5 / 4,
                    "{held} of 999 in {index}/{count}"
                );
            }
        }
    }
}
