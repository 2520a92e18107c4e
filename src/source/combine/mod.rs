//! The files of one source made one (`load`, which reads them): rows put in date order
//! (`order`), overlapping files merged by key, the newest winning (`merge`), and what each
//! file covered (`coverage`).

pub(super) mod coverage;
pub(super) mod load;
pub(super) mod merge;
pub(super) mod order;
