//! kpipress turns YAML goal specs kept in git into branded PDF audit reports on
//! social-media-marketing KPIs.
//!
//! # Steps
//! 1. [`spec`]: YAML files (with `extends`) are parsed and validated into a [`spec::Spec`].
//! 2. [`plan`]: every KPI expression parsed once, from the spec alone, before any file is
//!    read ([`plan::Plan`]).
//! 3. [`source`]: the analytics exports a spec names become polars frames with canonical
//!    columns and a `date` ([`source::Sources`]).
//! 4. [`metrics`]: every KPI is computed per period with polars SQL ([`metrics::MetricTable`]).
//! 5. [`goals`]: every KPI is graded against its target ([`goals::Scorecard`]).
//! 6. [`report`]: everything the template needs, as one serialisable [`report::ReportModel`].
//! 7. [`render`]: minijinja writes typst source, typst compiles it to PDF, in a worker
//!    process with a time and a memory limit.
//! 8. [`output`]: the files are written whole or not at all.
//! 9. [`digest`]: what a build did, for reviewers: a Markdown summary, JUnit XML, the
//!    portfolio page of every client, and the diff of two builds' scorecards.
//!
//! [`pipeline`] runs the steps for one client; the command line runs it for many.

// Errors carry the spec's source text for their snippet; they are built once per failing
// client, off the hot path, so their size does not matter and boxing would only add noise.
#![allow(clippy::result_large_err)]

pub mod cli;
pub mod digest;
pub mod goals;
pub mod incremental;
pub mod metrics;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod provenance;
pub mod render;
pub mod report;
pub mod source;
pub mod spec;
