//! Whole-line tests of the printer.
