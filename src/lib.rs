//! kpipress turns YAML goal specs kept in git into branded PDF audit reports on
//! social-media-marketing KPIs.
//!
//! # Steps
//! 1. [`spec`]: YAML files (with `extends`) are parsed and validated into a [`spec::Spec`].
//! 2. [`source`]: the analytics exports a spec names become polars frames with canonical
//!    columns and a `date` ([`source::Sources`]).
//! 3. [`metrics`]: every KPI is computed per period with polars SQL ([`metrics::MetricTable`]).
//! 4. [`goals`]: every KPI is graded against its target ([`goals::Scorecard`]).
//! 5. [`report`]: everything the template needs, as one serialisable [`report::ReportModel`].
//! 6. [`render`]: minijinja writes typst source, typst compiles it to PDF in-process.
//!
//! 7. [`output`]: the files are written whole or not at all.
//!
//! [`pipeline`] runs the steps for one client; the command line runs it for many.

// Errors carry the spec's source text for their snippet; they are built once per failing
// client, off the hot path, so their size does not matter and boxing would only add noise.
#![allow(clippy::result_large_err)]

pub mod cli;
pub mod goals;
pub mod metrics;
pub mod output;
pub mod pipeline;
pub mod render;
pub mod report;
pub mod source;
pub mod spec;
