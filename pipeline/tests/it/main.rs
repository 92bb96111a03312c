//! Mizan's integration tests: one binary, a module per topic.

mod browser;
mod calibration;
mod charts;
mod cli;
mod common;
mod comparisons;
mod composites;
mod crunchbase;
mod designs;
mod example;
mod fuzz;
mod hardening;
mod ingest;
mod intervals;
mod microdata;
mod missing;
mod multistage;
mod nightly;
mod parity;
mod publication;
mod quantiles;
mod readme;
mod registries;
mod reliability;
mod replicates;
mod spec_errors;
