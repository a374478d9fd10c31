//! A document's object: members in their order, in a vector.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use super::Doc;

/// Up to this many members, duplicate keys are looked for pair by pair; above, with a hash set.
const SMALL: usize = 16;

/// An object's members, each key once, in the order serde_json's ordered map would keep them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Object<'a> {
    members: Vec<(Cow<'a, str>, Doc<'a>)>,
}

impl<'a> Object<'a> {
    /// Members whose keys are known to differ (they come from a map).
    pub fn from_unique(members: Vec<(Cow<'a, str>, Doc<'a>)>) -> Self {
        Object { members }
    }

    /// Members as read, perhaps repeating a key: a repeated key keeps its first place and takes its
    /// last value, as in serde_json's ordered map.
    pub fn from_members(members: Vec<(Cow<'a, str>, Doc<'a>)>) -> Self {
        if !has_repeats(&members) {
            return Object { members };
        }
        let mut place: HashMap<String, usize> = HashMap::new();
        let mut kept: Vec<(Cow<'a, str>, Doc<'a>)> = Vec::with_capacity(members.len());
        for (key, value) in members {
            match place.get(key.as_ref()) {
                Some(&i) => kept[i].1 = value,
                None => {
                    place.insert(key.to_string(), kept.len());
                    kept.push((key, value));
                }
            }
        }
        Object { members: kept }
    }

    pub fn get(&self, key: &str) -> Option<&Doc<'a>> {
        self.members
            .iter()
            .find(|(k, _)| k.as_ref() == key)
            .map(|(_, v)| v)
    }

    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&Cow<'a, str>, &Doc<'a>)> {
        self.members.iter().map(|(k, v)| (k, v))
    }

    pub fn len(&self) -> usize {
        self.members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    #[cfg(test)]
    pub fn into_owned(self) -> Object<'static> {
        Object {
            members: self
                .members
                .into_iter()
                .map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned()))
                .collect(),
        }
    }
}

/// Whether some key appears twice. Small objects: each key gets one of 64 bits from its length
/// and end bytes, and only a key whose bit is already taken is compared with the keys before it.
fn has_repeats(members: &[(Cow<'_, str>, Doc<'_>)]) -> bool {
    if members.len() <= SMALL {
        let mut taken = 0u64;
        return members.iter().enumerate().any(|(i, (key, _))| {
            let b = key.as_bytes();
            let mix = b.len()
                ^ usize::from(b.first().copied().unwrap_or(0)) << 1
                ^ usize::from(b.last().copied().unwrap_or(0)) << 3;
            let bit = 1u64 << (mix % 64);
            let seen = taken & bit != 0;
            taken |= bit;
            seen && members[..i].iter().any(|(k, _)| k == key)
        });
    }
    let mut seen = HashSet::with_capacity(members.len());
    !members.iter().all(|(key, _)| seen.insert(key.as_ref()))
}
