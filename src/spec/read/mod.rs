//! Reading a spec: its files found and guarded ([`tree`]: a spec reads only its own
//! repository), parsed with positions ([`yaml`]), merged along `extends` ([`load`]) into
//! the raw structs serde fills ([`raw`]), which `resolve` validates.

pub(super) mod load;
pub(super) mod raw;
pub mod tree;
pub(crate) mod yaml;
